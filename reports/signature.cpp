#include "reports/signature.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "harness/errors.hpp"
#include "harness/json_input.hpp"

namespace ccb {
namespace {

constexpr const char* kUntrusted = "untrusted comment: ";
constexpr const char* kTrusted = "trusted comment: ";
using Bytes = std::vector<std::uint8_t>;

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialized");
}

std::string base64(const Bytes& b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Decodes `text`; nullopt-like empty result with ok = false when it is no base64 of `size` bytes.
bool unbase64(const std::string& text, std::size_t size, Bytes& out) {
  out.assign(size + 1, 0);
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != size)
    return false;
  out.resize(size);
  return true;
}

// The text's lines without their line ends.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// The key id as minisign prints it: the 8 bytes as a little-endian number, in hex.
std::string key_id_hex(const std::array<std::uint8_t, 8>& id) {
  std::string s;
  for (int i = 7; i >= 0; --i) s += fmt::format("{:02X}", id[i]);
  return s;
}

// The base64 payload of a key file (line 2 after an untrusted comment), decoded to `size` bytes.
Bytes key_payload(const std::filesystem::path& path, std::size_t size, const char* what) {
  const auto lines = lines_of(read_file_bytes(path, what));
  if (lines.size() < 2 || lines[0].rfind(kUntrusted, 0) != 0)
    throw UsageError(fmt::format("{}: not a minisign {}: expected an \"untrusted comment:\" line and a base64 line",
                                 path.string(), what));
  Bytes b;
  if (!unbase64(lines[1], size, b)) {
    // The other kind of key decodes to the other size: say so.
    Bytes other;
    const bool is_public = unbase64(lines[1], 42, other), is_secret = unbase64(lines[1], 158, other);
    throw UsageError(fmt::format("{}: not a minisign {}{}", path.string(), what,
                                 is_public   ? ": this is a public key"
                                 : is_secret ? ": this is a secret key"
                                             : ": its second line is not the base64 of one"));
  }
  if (b[0] != 'E' || b[1] != 'd')
    throw UsageError(fmt::format("{}: not an Ed25519 minisign {} (algorithm \"{}{}\")", path.string(), what,
                                 static_cast<char>(b[0]), static_cast<char>(b[1])));
  return b;
}

std::array<std::uint8_t, 32> checksum(const SecretKey& k) {
  std::array<std::uint8_t, 32> chk{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, chk.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>("Ed"), 2);
  crypto_generichash_update(&st, k.id.data(), k.id.size());
  crypto_generichash_update(&st, k.key.data(), k.key.size());
  crypto_generichash_final(&st, chk.data(), chk.size());
  return chk;
}

std::array<std::uint8_t, 64> prehash(const std::string& data) {
  std::array<std::uint8_t, 64> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr, 0);
  return h;
}

}  // namespace

PublicKey SecretKey::public_key() const {
  PublicKey p;
  p.id = id;
  std::copy(key.begin() + 32, key.end(), p.key.begin());  // libsodium: seed || public key
  return p;
}

SecretKey generate_secret_key() {
  init_sodium();
  SecretKey k;
  std::array<std::uint8_t, 32> pk{};
  crypto_sign_keypair(pk.data(), k.key.data());
  randombytes_buf(k.id.data(), k.id.size());
  return k;
}

std::string secret_key_text(const SecretKey& k) {
  init_sodium();
  Bytes b{'E', 'd', 0, 0, 'B', '2'};  // no key derivation: the key is stored unencrypted
  Bytes salt(32);
  randombytes_buf(salt.data(), salt.size());
  b.insert(b.end(), salt.begin(), salt.end());
  b.insert(b.end(), 16, 0);  // opslimit, memlimit: unused without a password
  b.insert(b.end(), k.id.begin(), k.id.end());
  b.insert(b.end(), k.key.begin(), k.key.end());
  const auto chk = checksum(k);
  b.insert(b.end(), chk.begin(), chk.end());
  return fmt::format("{}minisign secret key {} (unencrypted, made by ccbench keygen)\n{}\n", kUntrusted,
                     key_id_hex(k.id), base64(b));
}

std::string public_key_text(const PublicKey& k) {
  Bytes b{'E', 'd'};
  b.insert(b.end(), k.id.begin(), k.id.end());
  b.insert(b.end(), k.key.begin(), k.key.end());
  return fmt::format("{}minisign public key {}\n{}\n", kUntrusted, key_id_hex(k.id), base64(b));
}

SecretKey read_secret_key(const std::filesystem::path& path) {
  init_sodium();
  const Bytes b = key_payload(path, 158, "secret key");
  if (b[2] != 0 || b[3] != 0)
    throw UsageError(fmt::format("{}: a password-protected minisign secret key; ccbench signs with unencrypted keys "
                                 "(ccbench keygen, or minisign -G -W)",
                                 path.string()));
  if (b[4] != 'B' || b[5] != '2')
    throw UsageError(fmt::format("{}: unknown checksum algorithm in the secret key", path.string()));
  SecretKey k;
  std::copy_n(b.begin() + 54, 8, k.id.begin());
  std::copy_n(b.begin() + 62, 64, k.key.begin());
  // minisign 0.11 leaves the checksum of an unencrypted key zero: then the key's halves must agree
  // (the public half is the one its seed gives).
  const auto chk = checksum(k);
  const bool zero = std::all_of(b.begin() + 126, b.end(), [](std::uint8_t x) { return x == 0; });
  std::array<std::uint8_t, 32> pk{};
  std::array<std::uint8_t, 64> sk{};
  crypto_sign_seed_keypair(pk.data(), sk.data(), k.key.data());
  const bool consistent = std::equal(pk.begin(), pk.end(), k.key.begin() + 32);
  if (!(zero ? consistent : std::equal(chk.begin(), chk.end(), b.begin() + 126)) || !consistent)
    throw UsageError(fmt::format("{}: the secret key's checksum does not match: the file is damaged", path.string()));
  return k;
}

PublicKey read_public_key(const std::filesystem::path& path) {
  const Bytes b = key_payload(path, 42, "public key");
  PublicKey k;
  std::copy_n(b.begin() + 2, 8, k.id.begin());
  std::copy_n(b.begin() + 10, 32, k.key.begin());
  return k;
}

std::string sign_bytes(const std::string& data, const SecretKey& k, const std::string& trusted_comment) {
  init_sodium();
  if (trusted_comment.find_first_of("\r\n") != std::string::npos)
    throw std::invalid_argument("a trusted comment is one line");
  const auto hash = prehash(data);
  Bytes sig{'E', 'D'};
  sig.insert(sig.end(), k.id.begin(), k.id.end());
  std::array<std::uint8_t, 64> s{};
  crypto_sign_detached(s.data(), nullptr, hash.data(), hash.size(), k.key.data());
  sig.insert(sig.end(), s.begin(), s.end());
  Bytes global(s.begin(), s.end());
  global.insert(global.end(), trusted_comment.begin(), trusted_comment.end());
  Bytes g(64);
  crypto_sign_detached(g.data(), nullptr, global.data(), global.size(), k.key.data());
  return fmt::format("{}signature from ccbench secret key {}\n{}\n{}{}\n{}\n", kUntrusted, key_id_hex(k.id),
                     base64(sig), kTrusted, trusted_comment, base64(g));
}

SignatureCheck verify_bytes(const std::string& data, const std::string& signature, const PublicKey& k,
                            const std::string& signature_path) {
  init_sodium();
  const auto lines = lines_of(signature);
  Bytes sig, global;
  if (lines.size() < 4 || lines[0].rfind(kUntrusted, 0) != 0 || lines[2].rfind(kTrusted, 0) != 0 ||
      !unbase64(lines[1], 74, sig) || !unbase64(lines[3], 64, global))
    throw UsageError(fmt::format("{}: not a minisign signature: expected an untrusted comment, the base64 signature, "
                                 "a \"trusted comment:\" line and the base64 global signature",
                                 signature_path));
  SignatureCheck c;
  c.trusted_comment = lines[2].substr(std::strlen(kTrusted));
  const bool prehashed = sig[0] == 'E' && sig[1] == 'D', legacy = sig[0] == 'E' && sig[1] == 'd';
  if (!prehashed && !legacy)
    throw UsageError(fmt::format("{}: unknown signature algorithm \"{}{}\"", signature_path, static_cast<char>(sig[0]),
                                 static_cast<char>(sig[1])));
  if (!std::equal(k.id.begin(), k.id.end(), sig.begin() + 2)) {
    std::array<std::uint8_t, 8> id{};
    std::copy_n(sig.begin() + 2, 8, id.begin());
    c.reason = fmt::format("signed with key {}, not with this public key {}", key_id_hex(id), key_id_hex(k.id));
    return c;
  }
  const unsigned char* s = sig.data() + 10;
  const auto hash = prehash(data);
  const bool signature_ok =
      prehashed ? crypto_sign_verify_detached(s, hash.data(), hash.size(), k.key.data()) == 0
                : crypto_sign_verify_detached(s, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                              k.key.data()) == 0;
  if (!signature_ok) {
    c.reason = "the signature does not match the file: the file was changed after signing, or it is another file";
    return c;
  }
  Bytes signed_comment(s, s + 64);
  signed_comment.insert(signed_comment.end(), c.trusted_comment.begin(), c.trusted_comment.end());
  if (crypto_sign_verify_detached(global.data(), signed_comment.data(), signed_comment.size(), k.key.data()) != 0) {
    c.reason = "the trusted comment's signature does not match: the comment was changed";
    return c;
  }
  c.ok = true;
  return c;
}

}  // namespace ccb
