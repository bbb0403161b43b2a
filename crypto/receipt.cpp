#include "crypto/receipt.hpp"

#include "crypto/encoding.hpp"

#include <sodium.h>

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>
#include <fmt/format.h>
#include <utility>

namespace skrynka::crypto {
namespace {

namespace json = boost::json;

constexpr std::string_view receipt_domain{"skrynka receipt\0", 16};

void put_be(std::vector<unsigned char>& out, std::uint64_t value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
        out.push_back(static_cast<unsigned char>(value >> shift));
    }
}

void put_text(std::vector<unsigned char>& out, std::string_view text) {
    put_be(out, text.size(), 4);
    out.insert(out.end(), text.begin(), text.end());
}

void put_bytes(std::vector<unsigned char>& out, std::span<const unsigned char> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

// Fixed-size binary fields in JSON are lowercase hex of exactly their size.
template <std::size_t size>
bool read_hex(const json::object& object, std::string_view name,
              std::array<unsigned char, size>& out) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return false;
    }
    const json::string& text = value->get_string();
    const auto decoded = hex_decode(std::string_view(text.data(), text.size()));
    if (!decoded || decoded->size() != size || hex_encode(*decoded) != text) {
        return false;
    }
    std::copy(decoded->begin(), decoded->end(), out.begin());
    return true;
}

template <typename integer>
bool read_integer(const json::object& object, std::string_view name, integer& out) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr) {
        return false;
    }
    if (value->is_int64()) {
        const std::int64_t number = value->get_int64();
        if (!std::in_range<integer>(number)) {
            return false;
        }
        out = static_cast<integer>(number);
        return true;
    }
    if (value->is_uint64()) {
        const std::uint64_t number = value->get_uint64();
        if (!std::in_range<integer>(number)) {
            return false;
        }
        out = static_cast<integer>(number);
        return true;
    }
    return false;
}

bool read_text(const json::object& object, std::string_view name, std::string& out) {
    const json::value* value = object.if_contains(name);
    if (value == nullptr || !value->is_string()) {
        return false;
    }
    out.assign(value->get_string().data(), value->get_string().size());
    return true;
}

std::vector<std::string_view> allowed_fields(receipt_kind kind) {
    std::vector<std::string_view> names{"format",     "kind",           "id",
                                        "time",       "time_ms",        "audit_sequence",
                                        "account",    "account_id",     "fingerprints_digest",
                                        "public_key", "public_key_id",  "signature"};
    if (kind == receipt_kind::deletion) {
        names.insert(names.end(), {"mailbox", "uidvalidity", "uid", "sealed_key_digest",
                                   "ciphertext_digest", "ciphertext_size", "chunk_count"});
    } else {
        names.insert(names.end(), {"key_slot_count", "mailbox_key_digest"});
    }
    return names;
}

bool read_kind_fields(const json::object& object, receipt& body) {
    if (body.kind == receipt_kind::deletion) {
        return read_text(object, "mailbox", body.mailbox) &&
               read_integer(object, "uidvalidity", body.uidvalidity) &&
               read_integer(object, "uid", body.uid) &&
               read_hex(object, "sealed_key_digest", body.sealed_key_digest) &&
               read_hex(object, "ciphertext_digest", body.ciphertext_digest) &&
               read_integer(object, "ciphertext_size", body.ciphertext_size) &&
               read_integer(object, "chunk_count", body.chunk_count);
    }
    return read_integer(object, "key_slot_count", body.key_slot_count) &&
           read_hex(object, "mailbox_key_digest", body.mailbox_key_digest);
}

std::optional<receipt_kind> parse_kind(const json::object& object) {
    std::string name;
    if (!read_text(object, "kind", name)) {
        return std::nullopt;
    }
    if (name == receipt_kind_name(receipt_kind::deletion)) {
        return receipt_kind::deletion;
    }
    if (name == receipt_kind_name(receipt_kind::wipe)) {
        return receipt_kind::wipe;
    }
    return std::nullopt;
}

} // namespace

std::string_view receipt_kind_name(receipt_kind kind) noexcept {
    return kind == receipt_kind::deletion ? "deletion" : "wipe";
}

receipt_id new_receipt_id() {
    receipt_id id;
    randombytes_buf(id.data(), id.size());
    return id;
}

std::vector<unsigned char> encode_receipt(const receipt& body) {
    std::vector<unsigned char> out(receipt_domain.begin(), receipt_domain.end());
    out.push_back(receipt_format);
    out.push_back(static_cast<unsigned char>(body.kind));
    put_bytes(out, body.id);
    put_be(out, static_cast<std::uint64_t>(body.time), 8);
    put_be(out, static_cast<std::uint64_t>(body.audit_sequence), 8);
    put_text(out, body.account);
    put_be(out, static_cast<std::uint64_t>(body.account_id), 8);

    if (body.kind == receipt_kind::deletion) {
        put_text(out, body.mailbox);
        put_be(out, body.uidvalidity, 4);
        put_be(out, body.uid, 4);
        put_bytes(out, body.sealed_key_digest);
        put_bytes(out, body.ciphertext_digest);
        put_be(out, body.ciphertext_size, 8);
        put_be(out, body.chunk_count, 8);
    } else {
        put_be(out, body.key_slot_count, 8);
        put_bytes(out, body.mailbox_key_digest);
    }

    put_bytes(out, body.fingerprints_digest);
    return out;
}

signed_receipt sign_receipt(const signing_key_pair& key, receipt body) {
    signed_receipt result;
    result.signature_bytes = sign(key.secret_key, encode_receipt(body));
    result.public_key = key.public_key;
    result.body = std::move(body);
    return result;
}

bool signature_valid(const signed_receipt& receipt) {
    return verify(receipt.public_key, encode_receipt(receipt.body), receipt.signature_bytes);
}

std::string public_key_id(std::span<const unsigned char> public_key) {
    const digest full = hash(public_key);
    return hex_encode(std::span(full).first(8));
}

std::string format_receipt_time(std::int64_t milliseconds) {
    std::int64_t seconds = milliseconds / 1000;
    std::int64_t millis = milliseconds % 1000;
    if (millis < 0) {
        millis += 1000;
        --seconds;
    }
    const std::time_t when = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&when, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min,
                       parts.tm_sec, millis);
}

std::string receipt_to_json(const signed_receipt& receipt) {
    const crypto::receipt& body = receipt.body;
    json::object object;
    object["format"] = static_cast<int>(receipt_format);
    object["kind"] = receipt_kind_name(body.kind);
    object["id"] = hex_encode(body.id);
    object["time"] = format_receipt_time(body.time);
    object["time_ms"] = body.time;
    object["audit_sequence"] = body.audit_sequence;
    object["account"] = body.account;
    object["account_id"] = body.account_id;
    if (body.kind == receipt_kind::deletion) {
        object["mailbox"] = body.mailbox;
        object["uidvalidity"] = body.uidvalidity;
        object["uid"] = body.uid;
        object["sealed_key_digest"] = hex_encode(body.sealed_key_digest);
        object["ciphertext_digest"] = hex_encode(body.ciphertext_digest);
        object["ciphertext_size"] = body.ciphertext_size;
        object["chunk_count"] = body.chunk_count;
    } else {
        object["key_slot_count"] = body.key_slot_count;
        object["mailbox_key_digest"] = hex_encode(body.mailbox_key_digest);
    }
    object["fingerprints_digest"] = hex_encode(body.fingerprints_digest);
    object["public_key"] = hex_encode(receipt.public_key);
    object["public_key_id"] = public_key_id(receipt.public_key);
    object["signature"] = base64_encode(receipt.signature_bytes);
    return json::serialize(object) + "\n";
}

std::optional<signed_receipt> receipt_from_json(std::string_view text) {
    json::error_code error;
    const json::value parsed = json::parse(text, error);
    if (error || !parsed.is_object()) {
        return std::nullopt;
    }
    const json::object& object = parsed.get_object();

    signed_receipt result;
    receipt& body = result.body;
    std::uint8_t format = 0;
    const std::optional<receipt_kind> kind = parse_kind(object);
    if (!read_integer(object, "format", format) || format != receipt_format || !kind) {
        return std::nullopt;
    }
    body.kind = *kind;

    const std::vector<std::string_view> allowed = allowed_fields(body.kind);
    for (const auto& field : object) {
        const std::string_view name(field.key().data(), field.key().size());
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            return std::nullopt;
        }
    }

    std::string time_text;
    std::string key_id;
    std::string signature_text;
    if (!read_hex(object, "id", body.id) || !read_text(object, "time", time_text) ||
        !read_integer(object, "time_ms", body.time) ||
        !read_integer(object, "audit_sequence", body.audit_sequence) ||
        !read_text(object, "account", body.account) ||
        !read_integer(object, "account_id", body.account_id) || !read_kind_fields(object, body) ||
        !read_hex(object, "fingerprints_digest", body.fingerprints_digest) ||
        !read_hex(object, "public_key", result.public_key) ||
        !read_text(object, "public_key_id", key_id) ||
        !read_text(object, "signature", signature_text)) {
        return std::nullopt;
    }

    const auto signature_bytes = base64_decode(signature_text);
    if (!signature_bytes || signature_bytes->size() != signature_size ||
        key_id != public_key_id(result.public_key) || time_text != format_receipt_time(body.time)) {
        return std::nullopt;
    }
    std::copy(signature_bytes->begin(), signature_bytes->end(), result.signature_bytes.begin());
    return result;
}

} // namespace skrynka::crypto
