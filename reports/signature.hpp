#pragma once
// Ed25519 signatures in minisign's file formats (https://jedisct1.github.io/minisign/), through
// libsodium, so that `minisign -V` verifies what ccbench signs and ccbench verifies what
// minisign signs. Keys: "untrusted comment: ...\n" + base64("Ed" key_id[8] pk[32]) for a public
// key; base64("Ed" kdf[2] "B2" salt[32] opslimit[8] memlimit[8] key_id[8] sk[64] checksum[32])
// for a secret key, checksum = BLAKE2b-256("Ed" key_id sk). Signature: an untrusted comment,
// base64("ED" key_id[8] sig[64]) with sig over the BLAKE2b-512 of the file's exact bytes, the
// trusted comment, and base64 of the global signature over sig and the trusted comment.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace ccb {

struct PublicKey {
  std::array<std::uint8_t, 8> id{};
  std::array<std::uint8_t, 32> key{};
};

struct SecretKey {
  std::array<std::uint8_t, 8> id{};
  std::array<std::uint8_t, 64> key{};  // libsodium's Ed25519 secret key (seed and public key)
  PublicKey public_key() const;
};

// A new random key pair.
SecretKey generate_secret_key();

// The key files' text, unencrypted (minisign -W): readable by minisign and ccbench.
std::string secret_key_text(const SecretKey& k);
std::string public_key_text(const PublicKey& k);

// Key files read back; throw UsageError naming `path` and what is wrong (not a minisign key,
// the other kind of key, a password-protected key, a damaged checksum).
SecretKey read_secret_key(const std::filesystem::path& path);
PublicKey read_public_key(const std::filesystem::path& path);

// The .minisig text for `data`, with `trusted_comment` (one line) signed too.
std::string sign_bytes(const std::string& data, const SecretKey& k, const std::string& trusted_comment);

struct SignatureCheck {
  bool ok = false;
  std::string trusted_comment;  // once the signature parsed
  std::string reason;           // why not ok
};
// Checks `signature` (a .minisig file's text) over `data` with `k`. A signature that does not
// match (another file, an edited byte, an edited trusted comment, another key) is ok == false;
// text that is no minisign signature throws UsageError naming `signature_path`.
SignatureCheck verify_bytes(const std::string& data, const std::string& signature, const PublicKey& k,
                            const std::string& signature_path);

}  // namespace ccb
