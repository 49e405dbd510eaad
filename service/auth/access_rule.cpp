#include "auth/access_rule.hpp"

namespace relais::auth {

unsigned audience_of(role r) {
    switch (r) {
        case role::volunteer:
            return aud_volunteer;
        case role::partner:
            return aud_partner;
        case role::coordinator:
            return aud_coordinator;
        case role::admin:
            return aud_admin;
    }
    return 0;
}

access_verdict decide_access(const access_rule* rule, const std::optional<principal>& user, bool loopback) {
    if (!rule || rule->allowed == 0)
        return access_verdict::unlisted;
    if (rule->allowed & aud_public)
        return access_verdict::allowed;
    if ((rule->allowed & aud_loopback) && loopback)
        return access_verdict::allowed;
    if (!user)
        return access_verdict::unauthenticated;
    if (!(rule->allowed & audience_of(user->r)))
        return access_verdict::forbidden;
    if (user->awaiting_validation && !(rule->flags & flag_open_to_unvalidated))
        return access_verdict::awaiting_validation;
    return access_verdict::allowed;
}

}  // namespace relais::auth
