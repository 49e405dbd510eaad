#include "http/address_limits.hpp"

namespace relais::http {

struct address_limits::slot::state {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::size_t> counts;
};

address_limits::address_limits(std::size_t per_address)
    : per_address_(per_address), state_(std::make_shared<slot::state>()) {}

address_limits::slot& address_limits::slot::operator=(slot&& other) noexcept {
    if (this != &other) {
        release();
        state_ = std::move(other.state_);
        key_ = std::move(other.key_);
        other.state_ = nullptr;
    }
    return *this;
}

address_limits::slot::~slot() {
    release();
}

void address_limits::slot::release() {
    if (!state_)
        return;
    {
        std::lock_guard lock(state_->mutex);
        if (auto it = state_->counts.find(key_); it != state_->counts.end() && --it->second == 0)
            state_->counts.erase(it);
    }
    state_.reset();
}

std::optional<address_limits::slot> address_limits::acquire(std::string key) {
    std::lock_guard lock(state_->mutex);
    auto& n = state_->counts[key];
    if (per_address_ != 0 && n >= per_address_) {
        if (n == 0)
            state_->counts.erase(key);
        return std::nullopt;
    }
    ++n;
    return slot(state_, std::move(key));
}

std::size_t address_limits::count(std::string_view key) const {
    std::lock_guard lock(state_->mutex);
    auto it = state_->counts.find(std::string(key));
    return it == state_->counts.end() ? 0 : it->second;
}

std::size_t address_limits::keys() const {
    std::lock_guard lock(state_->mutex);
    return state_->counts.size();
}

}  // namespace relais::http
