#include "auth/setup_gate.hpp"
#include "auth/token.hpp"

namespace relais::auth {

std::string setup_gate::open(std::int64_t now) {
    std::string token = new_token();
    std::lock_guard lock(m_);
    hash_ = hash_token(token);
    expires_at_ = now + lifetime;
    spent_ = false;
    return token;
}

bool setup_gate::valid(std::string_view token, std::int64_t now) const {
    if (!well_formed_token(token))
        return false;
    const std::string h = hash_token(token);
    std::lock_guard lock(m_);
    return hash_ && !spent_ && now < expires_at_ && constant_time_equal(*hash_, h);
}

bool setup_gate::spend(std::string_view token, std::int64_t now) {
    if (!well_formed_token(token))
        return false;
    const std::string h = hash_token(token);
    std::lock_guard lock(m_);
    if (!hash_ || spent_ || now >= expires_at_ || !constant_time_equal(*hash_, h))
        return false;
    spent_ = true;
    return true;
}

bool setup_gate::opened() const {
    std::lock_guard lock(m_);
    return hash_.has_value();
}

}  // namespace relais::auth
