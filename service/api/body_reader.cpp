#include "api/body_reader.hpp"

#include "domain/time_format.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>

namespace relais::api {

namespace json = boost::json;

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size())
            return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

std::optional<std::string> clean_text(std::string_view in, text_rule rule, std::string& why) {
    if (!valid_utf8(in)) {
        why = "must be valid UTF-8 text";
        return std::nullopt;
    }
    for (unsigned char c : in) {
        if (c == 0x7F || (c < 0x20 && !(rule.multiline && (c == '\n' || c == '\t' || c == '\r')))) {
            why = "must not contain control characters";
            return std::nullopt;
        }
    }
    auto b = in.find_first_not_of(" \t\r\n");
    auto e = in.find_last_not_of(" \t\r\n");
    std::string out = b == std::string_view::npos ? std::string() : std::string(in.substr(b, e - b + 1));
    std::size_t len = 0;
    for (unsigned char c : out)
        if ((c & 0xC0) != 0x80)
            ++len;
    if (len < rule.min) {
        why = rule.min == 1 ? "must not be empty"
                            : "must have at least " + std::to_string(rule.min) + " characters";
        return std::nullopt;
    }
    if (len > rule.max) {
        why = "must have at most " + std::to_string(rule.max) + " characters";
        return std::nullopt;
    }
    return out;
}

body_reader::body_reader(json::value v) {
    root_ = std::make_shared<const json::value>(std::move(v));
    obj_ = root_->if_object();
    errors_ = std::make_shared<std::vector<field_error>>();
    if (!obj_)
        throw validation_error({{"", "the body must be a JSON object"}});
}

body_reader::body_reader(const json::value& v, std::string prefix,
                         std::shared_ptr<std::vector<field_error>> errors,
                         std::shared_ptr<const json::value> root)
    : root_(std::move(root)), obj_(v.if_object()), prefix_(std::move(prefix)), errors_(std::move(errors)) {}

std::string body_reader::path(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void body_reader::fail(std::string_view key, std::string message) {
    errors_->push_back({path(key), std::move(message)});
}

bool body_reader::has(std::string_view key) const {
    return obj_ && obj_->contains(key);
}

bool body_reader::is_null(std::string_view key) const {
    if (!obj_)
        return false;
    auto it = obj_->find(key);
    return it != obj_->end() && it->value().is_null();
}

const json::value* body_reader::get(std::string_view key, bool required) {
    seen_.insert(std::string(key));
    if (!obj_)
        return nullptr;
    auto it = obj_->find(key);
    if (it == obj_->end() || it->value().is_null()) {
        if (required)
            fail(key, "is required");
        return nullptr;
    }
    return &it->value();
}

std::optional<std::string> body_reader::text(std::string_view key, text_rule rule, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        fail(key, "must be a string");
        return std::nullopt;
    }
    std::string why;
    auto out = clean_text(v->get_string(), rule, why);
    if (!out)
        fail(key, why);
    return out;
}

std::optional<std::string> body_reader::secret(std::string_view key, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        fail(key, "must be a string");
        return std::nullopt;
    }
    return std::string(v->get_string());
}

std::optional<std::int64_t> body_reader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                 bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    std::int64_t n;
    if (v->is_int64()) {
        n = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        n = static_cast<std::int64_t>(v->get_uint64());
    } else if (v->is_double() && std::floor(v->get_double()) == v->get_double() &&
               std::fabs(v->get_double()) < 1e15) {
        n = static_cast<std::int64_t>(v->get_double());
    } else {
        fail(key, "must be an integer");
        return std::nullopt;
    }
    if (n < min || n > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<double> body_reader::number(std::string_view key, double min, double max, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_number()) {
        fail(key, "must be a number");
        return std::nullopt;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) {
        fail(key, "must be between " + json::serialize(json::value(min)) + " and " +
                      json::serialize(json::value(max)));
        return std::nullopt;
    }
    return d;
}

std::optional<bool> body_reader::boolean(std::string_view key, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_bool()) {
        fail(key, "must be true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

std::optional<std::int64_t> body_reader::time(std::string_view key, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        fail(key, "must be a date-time string like 2026-11-23T14:00:00+01:00");
        return std::nullopt;
    }
    auto t = domain::parse_iso8601(v->get_string());
    if (!t)
        fail(key, "must be an ISO 8601 date-time with an offset, like 2026-11-23T14:00:00+01:00");
    return t;
}

std::optional<std::string> body_reader::one_of(std::string_view key, const std::vector<std::string>& allowed,
                                               bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (v->is_string()) {
        std::string_view s = v->get_string();
        for (const auto& a : allowed)
            if (a == s)
                return std::string(s);
    }
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    fail(key, "must be one of: " + list);
    return std::nullopt;
}

std::optional<std::string> body_reader::one_of(std::string_view key,
                                               std::initializer_list<std::string_view> allowed,
                                               bool required) {
    std::vector<std::string> v;
    for (auto a : allowed)
        v.emplace_back(a);
    return one_of(key, v, required);
}

std::optional<body_reader> body_reader::object(std::string_view key, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return std::nullopt;
    if (!v->is_object()) {
        fail(key, "must be an object");
        return std::nullopt;
    }
    return body_reader(*v, path(key), errors_, root_);
}

const json::array* body_reader::array(std::string_view key, std::size_t max_items, bool required) {
    const auto* v = get(key, required);
    if (!v)
        return nullptr;
    if (!v->is_array()) {
        fail(key, "must be an array");
        return nullptr;
    }
    if (v->get_array().size() > max_items) {
        fail(key, "must have at most " + std::to_string(max_items) + " items");
        return nullptr;
    }
    return &v->get_array();
}

std::optional<body_reader> body_reader::element_object(std::string_view key, std::size_t i,
                                                       const json::value& v) {
    const std::string p = path(key) + "[" + std::to_string(i) + "]";
    if (!v.is_object()) {
        errors_->push_back({p, "must be an object"});
        return std::nullopt;
    }
    return body_reader(v, p, errors_, root_);
}

std::optional<std::string> body_reader::element_text(std::string_view key, std::size_t i,
                                                     const json::value& v, text_rule rule) {
    const std::string p = path(key) + "[" + std::to_string(i) + "]";
    if (!v.is_string()) {
        errors_->push_back({p, "must be a string"});
        return std::nullopt;
    }
    std::string why;
    auto out = clean_text(v.get_string(), rule, why);
    if (!out)
        errors_->push_back({p, why});
    return out;
}

void body_reader::check_unknown() {
    if (!obj_)
        return;
    for (const auto& kv : *obj_) {
        if (!seen_.contains(std::string_view(kv.key()))) {
            std::string name(kv.key());
            if (!valid_utf8(name) || name.size() > 64)
                name = "(unprintable)";
            errors_->push_back({path(name), "is not a known field"});
        }
    }
}

void body_reader::done() {
    check_unknown();
    if (!errors_->empty())
        throw validation_error(*errors_);
}

}  // namespace relais::api
