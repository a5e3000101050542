// Errors as application/problem+json (RFC 9457): a stable machine code
// ("type" is https://baygrid.dev/problems/<code>), the HTTP status from ONE
// mapping table (StatusFor), a title, and a detail that says what was
// wrong. Every response also carries the request id.
#pragma once

#include <string>

#include "api/http.h"

namespace bg::api {

// The HTTP status of a machine code: 400 for bad input, 401/403 for who
// you are, 404 for what is not there, 409 for a conflict with the state,
// 413/415/431 for the envelope, 422 for a rule the request breaks, 503
// for shutting down. A domain's unknown_* code is 404; any other domain
// refusal is 422.
int StatusFor(const std::string& code);

HttpResponse Problem(const std::string& code, const std::string& detail,
                     const std::string& request_id);

}  // namespace bg::api
