// ccbench keygen | sign FILE --key KEY | verify FILE --pubkey PUB: Ed25519 signatures in
// minisign's formats (reports/signature.hpp), so that `minisign -V` checks ccbench's and ccbench
// checks minisign's. verify: 0 verified, 1 the signature does not match, 2 unusable input.
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "harness/atomic_file.hpp"
#include "harness/errors.hpp"
#include "harness/json_input.hpp"
#include "reports/signature.hpp"

namespace ccb::cli {
namespace {

struct SignArgs {
  std::string file, key = "ccbench.key", pubkey = "ccbench.pub", signature;
  bool force = false;
};

// The run id of a ccbench document, "none" for any other file.
std::string run_id_of(const std::string& bytes) {
  const nlohmann::json j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_object() && j.contains("run_id") && j["run_id"].is_string()) return j["run_id"].get<std::string>();
  return "none";
}

std::string signature_path(const SignArgs& a) { return a.signature.empty() ? a.file + ".minisig" : a.signature; }

int keygen(const SignArgs& a) {
  for (const auto& p : {a.key, a.pubkey})
    if (!a.force && std::filesystem::exists(p))
      throw UsageError(fmt::format("{}: exists; keygen does not overwrite a key (--force to replace it)", p));
  const SecretKey k = generate_secret_key();
  write_file_atomic(a.key, secret_key_text(k));
  std::filesystem::permissions(a.key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  write_file_atomic(a.pubkey, public_key_text(k.public_key()));
  fmt::print("secret key: {} (unencrypted: keep it private)\npublic key: {} (give it to whoever checks your files)\n",
             a.key, a.pubkey);
  return 0;
}

int sign(const SignArgs& a) {
  const std::string bytes = read_file_bytes(a.file, "file to sign");
  const SecretKey k = read_secret_key(a.key);
  const std::string comment =
      fmt::format("ccbench {} run_id={} file={}", CCBENCH_VERSION, run_id_of(bytes),
                  std::filesystem::path(a.file).filename().string());
  const std::string out = signature_path(a);
  write_file_atomic(out, sign_bytes(bytes, k, comment));
  fmt::print("signature: {}\ntrusted comment: {}\n", out, comment);
  return 0;
}

int verify(const SignArgs& a) {
  const std::string bytes = read_file_bytes(a.file, "signed file");
  const PublicKey k = read_public_key(a.pubkey);
  const std::string sig_path = signature_path(a);
  const SignatureCheck c = verify_bytes(bytes, read_file_bytes(sig_path, "minisign signature"), k, sig_path);
  if (!c.ok) {
    fmt::print(stderr, "{}: signature check failed: {}\n", a.file, c.reason);
    return 1;
  }
  fmt::print("{}: signature and trusted comment verified\ntrusted comment: {}\n", a.file, c.trusted_comment);
  return 0;
}

}  // namespace

void add_sign_commands(CLI::App& app, Commands& commands) {
  auto a = std::make_shared<SignArgs>();
  auto* gen = app.add_subcommand("keygen", "Make an Ed25519 key pair in minisign's format (unencrypted secret key)");
  gen->add_option("--key", a->key, "Secret key file to write")->capture_default_str();
  gen->add_option("--pubkey", a->pubkey, "Public key file to write")->capture_default_str();
  gen->add_flag("--force", a->force, "Replace existing key files");
  commands.push_back({gen, [a](const auto&) { return keygen(*a); }});

  auto* s = app.add_subcommand("sign", "Sign a file (FILE.minisig, minisign's format; minisign -V checks it)");
  s->add_option("file", a->file, "File to sign, e.g. a result JSON")->required();
  s->add_option("--key", a->key, "Secret key (ccbench keygen, or minisign -G -W)")->capture_default_str();
  s->add_option("--out", a->signature, "Signature file (default: FILE.minisig)");
  commands.push_back({s, [a](const auto&) { return sign(*a); }});

  auto* v = app.add_subcommand("verify", "Check a file's minisign signature: exit 0 verified, 1 not, 2 unusable input");
  v->add_option("file", a->file, "Signed file")->required();
  v->add_option("--pubkey", a->pubkey, "Public key of the signer")->capture_default_str();
  v->add_option("--sig", a->signature, "Signature file (default: FILE.minisig)");
  commands.push_back({v, [a](const auto&) { return verify(*a); }});
}

}  // namespace ccb::cli
