// The mutex and the thread-safety annotations that check its use: clang's
// -Wthread-safety (the `tidy` preset, run by CI) proves that a member marked
// BG_GUARDED_BY(mu_) is only touched with mu_ held, and that a function
// marked BG_REQUIRES(mu_) is only called so. The mutex is Abseil's
// (Debian's libabsl): its lock types carry the annotations that libstdc++'s
// std::mutex and std::lock_guard lack. This header is the one place that
// names it; the rest of the tree says bg::Mutex, bg::MutexLock, ...
//
// Thread-safety: that is what it is for.
#pragma once

#include <chrono>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#define BG_GUARDED_BY(x) ABSL_GUARDED_BY(x)
#define BG_PT_GUARDED_BY(x) ABSL_PT_GUARDED_BY(x)
#define BG_REQUIRES(...) ABSL_EXCLUSIVE_LOCKS_REQUIRED(__VA_ARGS__)
#define BG_REQUIRES_SHARED(...) ABSL_SHARED_LOCKS_REQUIRED(__VA_ARGS__)
#define BG_EXCLUDES(...) ABSL_LOCKS_EXCLUDED(__VA_ARGS__)
#define BG_ACQUIRED_AFTER(...) ABSL_ACQUIRED_AFTER(__VA_ARGS__)
// A lock type of our own (a scope that takes a Mutex in its constructor and
// releases it in its destructor), as MutexLock is one.
#define BG_SCOPED_CAPABILITY ABSL_SCOPED_LOCKABLE
#define BG_ACQUIRE_SHARED(...) ABSL_SHARED_LOCK_FUNCTION(__VA_ARGS__)
#define BG_RELEASE(...) ABSL_UNLOCK_FUNCTION(__VA_ARGS__)
// For the rare function whose locking the analysis cannot follow; say why
// beside it.
#define BG_NO_THREAD_SAFETY_ANALYSIS ABSL_NO_THREAD_SAFETY_ANALYSIS

namespace bg {

// Exclusive or shared (ReaderLock) locking, Await on a condition, and
// CondVar waits, all under the analysis.
using Mutex = absl::Mutex;
using MutexLock = absl::MutexLock;              // exclusive, for a scope
using ReaderMutexLock = absl::ReaderMutexLock;  // shared, for a scope
using WriterMutexLock = absl::WriterMutexLock;
using CondVar = absl::CondVar;
using Condition = absl::Condition;

// A Mutex of static storage duration: `constinit Mutex mu(kConstInit);` is
// ready before any code runs.
using absl::kConstInit;

// A std::chrono duration as the timeout of Mutex::AwaitWithTimeout.
inline absl::Duration MutexTimeout(std::chrono::nanoseconds timeout) {
  return absl::FromChrono(timeout);
}

}  // namespace bg
