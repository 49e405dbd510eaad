#pragma once

#include "core/error.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace relais::api {

/// Limits for a string field.
struct text_rule {
    std::size_t min = 1;     ///< in code points, after trimming
    std::size_t max = 200;   ///< in code points
    bool multiline = false;  ///< allow \n and \t
};

/// Reads a JSON request body field by field, collecting every fault with its path (`resident.phone`,
/// `availability[2].end`) instead of stopping at the first, then throws one validation error (422) listing
/// them all. Unknown fields are faults too (a typo must not be silently ignored). Strings must be valid
/// UTF-8 without control characters; they are trimmed and otherwise kept literally.
class body_reader {
  public:
    /// Reads `v`, which must be a JSON object. The reader keeps the value alive (nested readers share it).
    explicit body_reader(boost::json::value v);

    std::optional<std::string> text(std::string_view key, text_rule rule = {}, bool required = true);
    /// A string kept exactly as sent (passwords: never trimmed, so what registers is what signs in); its
    /// content is checked by the caller (auth::password_problem).
    std::optional<std::string> secret(std::string_view key, bool required = true);
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        bool required = true);
    std::optional<double> number(std::string_view key, double min, double max, bool required = true);
    std::optional<bool> boolean(std::string_view key, bool required = true);
    /// An ISO 8601 date-time with offset, as Unix seconds.
    std::optional<std::int64_t> time(std::string_view key, bool required = true);
    /// One of `allowed`.
    std::optional<std::string> one_of(std::string_view key, std::initializer_list<std::string_view> allowed,
                                      bool required = true);
    std::optional<std::string> one_of(std::string_view key, const std::vector<std::string>& allowed,
                                      bool required = true);
    /// A nested object; nullopt (and an error if required) when absent or not an object.
    std::optional<body_reader> object(std::string_view key, bool required = true);
    /// A nested array of at most `max_items`; its elements are read with `element_reader` / `element_text`.
    const boost::json::array* array(std::string_view key, std::size_t max_items, bool required = true);
    /// A reader over element `i` of an array field (must be an object).
    std::optional<body_reader> element_object(std::string_view key, std::size_t i,
                                              const boost::json::value& v);
    /// Element `i` of an array field as a text.
    std::optional<std::string> element_text(std::string_view key, std::size_t i, const boost::json::value& v,
                                            text_rule rule = {});

    /// True if the field is present (even if null).
    bool has(std::string_view key) const;
    /// True if the field is present and null.
    bool is_null(std::string_view key) const;
    /// Marks a field as known without reading it.
    void accept(std::string_view key) { seen_.insert(std::string(key)); }

    /// Records a fault on a field of this object.
    void fail(std::string_view key, std::string message);
    /// The full path of a field of this object.
    std::string path(std::string_view key) const;

    /// True if any fault has been recorded (in this reader or any nested one).
    bool failed() const { return !errors_->empty(); }
    /// Checks for unknown fields here, then throws validation_error if any fault was recorded anywhere.
    void done();
    /// Checks for unknown fields of this (nested) object without throwing.
    void check_unknown();

  private:
    body_reader(const boost::json::value& v, std::string prefix,
                std::shared_ptr<std::vector<field_error>> errors,
                std::shared_ptr<const boost::json::value> root);
    const boost::json::value* get(std::string_view key, bool required);

    std::shared_ptr<const boost::json::value> root_;
    const boost::json::object* obj_ = nullptr;
    std::string prefix_;
    std::shared_ptr<std::vector<field_error>> errors_;
    std::set<std::string, std::less<>> seen_;
};

/// Checks and trims a text value (UTF-8, control characters, length); nullopt with `why` set on fault.
std::optional<std::string> clean_text(std::string_view in, text_rule rule, std::string& why);

/// True if `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);

}  // namespace relais::api
