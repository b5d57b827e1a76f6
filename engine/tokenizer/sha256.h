// SHA-256 (FIPS 180-4), for verifying shipped data files such as o200k_base.tiktoken against their
// published hashes. Small and dependency-free on purpose: the build has no crypto library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ponder {

// Incremental hasher. Not thread-safe; one instance per stream of bytes.
class Sha256 {
  public:
    Sha256();
    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // Ends the stream; the hasher must not be updated afterwards.
    std::array<std::uint8_t, 32> finish();

  private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

// Lower-case hex digest of `bytes`, e.g. "e3b0c442…" for the empty string.
std::string sha256_hex(std::string_view bytes);

}  // namespace ponder
