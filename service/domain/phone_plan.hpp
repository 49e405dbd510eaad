#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace relais::domain {

/// What a phone number is good for: SMS go to mobiles only (a landline gets a call from the coordination).
enum class line_type { mobile, landline, unknown };

/// A number as typed, in canonical (E.164) form, through Debian's libphonenumber: "06 12 34 56 78" with
/// `region` "FR" gives "+33612345678"; a number with its country code ("+44 20 7946 0958", "0044...") keeps
/// its country. Only digits, spaces and . - ( ) / + are accepted (no letters, no extensions); the number must
/// have a possible length for its country. nullopt otherwise.
std::optional<std::string> normalize_phone(std::string_view in, std::string_view region);

/// Mobile or landline, for a canonical number (libphonenumber's metadata; "fixed line or mobile", as in the
/// United States, counts as mobile).
line_type line_type_of(std::string_view e164);

/// A region libphonenumber knows (ISO 3166 alpha-2, upper case: "FR", "BE", "CA").
bool known_region(std::string_view region);

/// The city's phone region (the programme's country): numbers written without a country code belong to it.
/// Read by the request decoders on the I/O threads, changed when an admin sets the country; a small lock
/// because the value is a string.
class phone_plan {
  public:
    explicit phone_plan(std::string region = "FR") : region_(std::move(region)) {}

    std::string region() const {
        std::lock_guard lock(mutex_);
        return region_;
    }
    void set_region(std::string region) {
        std::lock_guard lock(mutex_);
        region_ = std::move(region);
    }
    std::optional<std::string> normalize(std::string_view in) const { return normalize_phone(in, region()); }

  private:
    mutable std::mutex mutex_;
    std::string region_;
};

}  // namespace relais::domain
