#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace relais::http {

/// Open connections per client key (wire::client_key: an IPv4 address, an IPv6 /64), so that one address
/// cannot take every connection slot of the server (10,050 half-sent requests from one address did).
/// A connection holds a slot for its key while it lives; the slot is given back when it is destroyed.
/// Thread-safe; slots may outlive the limits object.
class address_limits {
  public:
    /// `per_address`: connections one key may hold at once (0 = no cap).
    explicit address_limits(std::size_t per_address);

    /// One connection's place in its key's count; released on destruction. Movable.
    class slot {
      public:
        slot() = default;
        slot(slot&& other) noexcept = default;
        slot& operator=(slot&& other) noexcept;
        ~slot();
        const std::string& key() const { return key_; }
        bool held() const { return state_ != nullptr; }
        /// Gives the place back now.
        void release();

      private:
        friend class address_limits;
        struct state;
        slot(std::shared_ptr<state> st, std::string key) : state_(std::move(st)), key_(std::move(key)) {}
        std::shared_ptr<state> state_;
        std::string key_;
    };

    /// A slot for `key`, or nullopt when `key` already holds per_address connections.
    std::optional<slot> acquire(std::string key);

    /// Connections `key` holds now.
    std::size_t count(std::string_view key) const;
    /// Keys holding at least one connection.
    std::size_t keys() const;
    std::size_t per_address() const { return per_address_; }

  private:
    std::size_t per_address_;
    std::shared_ptr<slot::state> state_;
};

}  // namespace relais::http
