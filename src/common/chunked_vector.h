// ChunkedVector<T>: an append-only sequence stored in fixed-size chunks.
// Elements never move, so growing it never copies what is stored and never
// stalls the caller for a reallocation proportional to its size (a
// std::vector of a million 88-byte transfers copies 88 MB when it doubles,
// which showed up as 40 ms spikes in the ledger benchmark's p99). Indexing
// is O(1): chunk = i / kChunk, offset = i % kChunk. Chunk memory is left
// uninitialised until an element is appended, so a small sequence costs one
// untouched allocation, not kChunk constructed elements. The default chunk
// of 1,024 elements keeps an 88-byte element's chunk under glibc's mmap
// threshold (128 KiB): tests that build thousands of small ledgers would
// otherwise spend their time in mmap/munmap.
//
// Whole chunks can leave from the front (TakeFrontChunk) and come back
// (PutBackFrontChunk): the ledger retires old transfers that way, keeping
// the positions of the rest. Elements before dropped_size() are gone;
// indexing them is a broken invariant (checked).
//
// T must be trivially destructible (elements are overwritten, never
// destroyed one by one). Thread-safety: none (like std::vector).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/check.h"

namespace bg {

template <typename T, size_t kChunk = 1024>
class ChunkedVector {
  static_assert(std::is_trivially_destructible_v<T>, "elements are never destroyed");

 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& other) {
    StartAfterDroppedChunks(other.dropped_);
    for (const T& value : other) push_back(value);
  }
  ChunkedVector& operator=(const ChunkedVector& other) {
    if (this != &other) *this = ChunkedVector(other);
    return *this;
  }
  // A moved-from vector is empty, not a size without chunks.
  ChunkedVector(ChunkedVector&& other) noexcept
      : chunks_(std::move(other.chunks_)),
        size_(std::exchange(other.size_, 0)),
        dropped_(std::exchange(other.dropped_, 0)) {}
  ChunkedVector& operator=(ChunkedVector&& other) noexcept {
    chunks_ = std::move(other.chunks_);
    size_ = std::exchange(other.size_, 0);
    dropped_ = std::exchange(other.dropped_, 0);
    return *this;
  }
  ~ChunkedVector() = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) { return Slot(i); }
  const T& operator[](size_t i) const { return const_cast<ChunkedVector*>(this)->Slot(i); }
  T& back() { return Slot(size_ - 1); }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    if (size_ == chunks_.size() * kChunk) {
      chunks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kChunk * sizeof(T)));
    }
    ::new (Address(size_)) T(value);
    ++size_;
  }
  void pop_back() {
    BG_CHECK(size_ > 0) << "pop_back of an empty ChunkedVector";
    --size_;
  }

  static constexpr size_t kChunkSize = kChunk;
  // Elements [0, dropped_size()) have left with their chunks.
  size_t dropped_size() const { return dropped_ * kChunk; }
  // Hands over the first chunk still here (kChunk elements, all appended:
  // the caller checks size() >= dropped_size() + kChunk, and keeps it until
  // it is put back or freed).
  std::unique_ptr<std::byte[]> TakeFrontChunk() {
    BG_CHECK(size_ >= (dropped_ + 1) * kChunk) << "the front chunk is not full";
    return std::move(chunks_[dropped_++]);
  }
  // An empty vector whose first `chunks` chunks have left (decoding).
  void StartAfterDroppedChunks(size_t chunks) {
    BG_CHECK(size_ == 0 && chunks_.empty()) << "StartAfterDroppedChunks on a used vector";
    chunks_.resize(chunks);
    size_ = chunks * kChunk;
    dropped_ = chunks;
  }
  // Undoes the last TakeFrontChunk.
  void PutBackFrontChunk(std::unique_ptr<std::byte[]> chunk) {
    BG_CHECK(dropped_ > 0 && chunk != nullptr) << "no chunk to put back";
    chunks_[--dropped_] = std::move(chunk);
  }
  // The element at offset `i` of a chunk handed over by TakeFrontChunk.
  static const T& InChunk(const std::byte* chunk, size_t i) {
    return *std::launder(reinterpret_cast<const T*>(chunk + i * sizeof(T)));
  }

  class ConstIterator {
   public:
    ConstIterator(const ChunkedVector* v, size_t i) : v_(v), i_(i) {}
    const T& operator*() const { return (*v_)[i_]; }
    const T* operator->() const { return &(*v_)[i_]; }
    ConstIterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const ConstIterator& o) const { return i_ == o.i_; }

   private:
    const ChunkedVector* v_;
    size_t i_;
  };
  ConstIterator begin() const { return {this, dropped_size()}; }  // the elements still here
  ConstIterator end() const { return {this, size_}; }

 private:
  void* Address(size_t i) {
    BG_CHECK(i >= dropped_size()) << "element " << i << " left with its chunk";
    return chunks_[i / kChunk].get() + (i % kChunk) * sizeof(T);
  }
  T& Slot(size_t i) { return *std::launder(static_cast<T*>(Address(i))); }

  // Raw storage, aligned by operator new[] for any fundamental type.
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  size_t size_ = 0;
  size_t dropped_ = 0;  // chunks taken from the front
};

}  // namespace bg
