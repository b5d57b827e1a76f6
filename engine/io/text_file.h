// Reading small files whole (config.json, index files, tokenizer files, conversation JSON), with
// a size cap chosen per kind of file, so that a wrong path pointing at a multi-gigabyte file, or a
// link to an endless device, fails at once instead of filling memory. The one reader for every
// file Ponder reads whole from a place the user chose: it opens through RegularFile (a regular
// file only, never blocking), so a named pipe or a device is refused with the file's name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/status.h"

namespace ponder {

// The caps of the files the engine reads whole. Each fits the largest real file of its kind with
// a wide margin (the sizes below are of the published gpt-oss checkpoints).
namespace file_caps {
// config.json, generation_config.json: gpt-oss's are under 2 KB.
inline constexpr std::uint64_t model_config = 1ull << 20;
// model.safetensors.index.json: one short line per tensor, tens of KB for gpt-oss-120b.
inline constexpr std::uint64_t safetensors_index = 16ull << 20;
// tokenizer.json: gpt-oss's is about 27 MB; the largest Hugging Face tokenizers are under 40 MB.
inline constexpr std::uint64_t tokenizer_json = 128ull << 20;
// .tiktoken rank files: o200k_base.tiktoken is 3.6 MB.
inline constexpr std::uint64_t tiktoken = 64ull << 20;
// Conversations in the harmony JSON shape (ponder-cli render): a 128k-token conversation is
// about 0.5 MB of text.
inline constexpr std::uint64_t conversation_json = 64ull << 20;
// Token id lists and text to tokenize named on the command line: a 128k-token context is under
// 1 MB as ids and about 0.5 MB as text; the tokenizer benchmark reads a few MB.
inline constexpr std::uint64_t token_text = 256ull << 20;
// .npy arrays (reference logits): [300, 201088] f32 logits are 241 MB.
inline constexpr std::uint64_t npy = 1ull << 30;
}  // namespace file_caps

// The file's bytes. io_error naming the file when it cannot be opened, is not a regular file
// (after following symlinks), cannot be read, or is larger than `max_bytes` (checked before
// reading and again while reading, in case the file grows).
Result<std::string> read_text_file(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace ponder
