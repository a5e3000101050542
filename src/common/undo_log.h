// UndoLog: how a domain that is not the ledger rolls back a failed batch.
// Before each change the domain records a closure that restores what it
// overwrites; RollbackBatch runs them newest first. Batches follow the
// ledger's rules (ledger/ledger.h): several may be open at once,
// CommitBatch forgets the oldest, RollbackBatch undoes every open one.
// Outside a batch (replay, tests) nothing is recorded.
//
// Closures cost an allocation each, which is fine for programme commands
// (hundreds a second); the ledger keeps its own compact log for the hot path.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "common/check.h"

namespace bg {

class UndoLog {
 public:
  bool recording() const { return !marks_.empty(); }

  void Record(std::function<void()> undo) {
    if (recording()) entries_.push_back(std::move(undo));
  }

  void BeginBatch() { marks_.push_back(entries_.size()); }

  void CommitBatch() {
    BG_CHECK(!marks_.empty()) << "CommitBatch outside a batch";
    const size_t n = marks_.size() > 1 ? marks_[1] : entries_.size();
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(n));
    marks_.pop_front();
    for (size_t& m : marks_) m -= n;
  }

  void RollbackBatch() {
    BG_CHECK(!marks_.empty()) << "RollbackBatch outside a batch";
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) (*it)();
    entries_.clear();
    marks_.clear();
  }

  // Sets map[key] = value, recording how to restore the previous entry (or
  // its absence).
  template <typename K, typename V>
  void Put(std::map<K, V>& map, const K& key, V value) {
    auto it = map.find(key);
    if (it == map.end()) {
      Record([&map, key] { map.erase(key); });
      map.emplace(key, std::move(value));
    } else {
      Record([&map, key, old = it->second] { map[key] = old; });
      it->second = std::move(value);
    }
  }

  // Removes map[key] if present, recording how to put it back.
  template <typename K, typename V>
  void Erase(std::map<K, V>& map, const K& key) {
    auto it = map.find(key);
    if (it == map.end()) return;
    Record([&map, key, old = it->second] { map.emplace(key, old); });
    map.erase(it);
  }

  // Adds key to the set, recording how to take it out again.
  template <typename K>
  void Insert(std::set<K>& set, const K& key) {
    if (set.insert(key).second) Record([&set, key] { set.erase(key); });
  }

  // Removes key from the set if present, recording how to put it back.
  template <typename K>
  void Erase(std::set<K>& set, const K& key) {
    if (set.erase(key) != 0) Record([&set, key] { set.insert(key); });
  }

  // Sets a plain variable, recording its previous value.
  template <typename T>
  void Set(T& field, T value) {
    Record([&field, old = field] { field = old; });
    field = std::move(value);
  }

 private:
  std::vector<std::function<void()>> entries_;
  std::deque<size_t> marks_;
};

}  // namespace bg
