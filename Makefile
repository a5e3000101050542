# Shortcuts; each target calls the script that does the work.
.PHONY: run test test-slow format release
run:
	scripts/run.sh
test:
	scripts/test.sh
test-slow:
	scripts/test.sh slow
format:
	scripts/format.sh --fix
release:
	cmake --workflow --preset release
