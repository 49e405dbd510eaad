#include "notify/sms_provider.hpp"

#include "notify/http_poster.hpp"

#include <boost/json.hpp>

#include <stdexcept>

namespace relais::notify {

namespace json = boost::json;

namespace {

/// A string field of a JSON answer, or "".
std::string field_of(const std::string& body, std::string_view key) {
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
        return {};
    if (const auto* f = v.as_object().if_contains(key)) {
        if (f->is_string())
            return std::string(f->as_string());
        if (f->is_int64())
            return std::to_string(f->as_int64());
    }
    return {};
}

/// What a provider's answer means; a message it took is named by the answer's field `id_field`.
sms_outcome outcome_of_answer(const http_answer& a, std::string_view id_field) {
    sms_outcome out;
    out.outcome = outcome_of_status(a.status, a.error, field_of(a.body, "code"));
    if (out.outcome.result == send_outcome::kind::sent) {
        out.provider_id = field_of(a.body, id_field);
        if (out.provider_id.empty())
            out.outcome = {send_outcome::kind::temporary, "provider answer without a message id"};
    }
    return out;
}

/// The Messages API of Twilio and of the providers that clone it: a form-encoded POST to
/// {url}/2010-04-01/Accounts/{account}/Messages.json with basic authentication (account, token); the answer's
/// `sid` names the message; delivery is reported to StatusCallback.
class twilio_sms final : public sms_provider {
  public:
    explicit twilio_sms(sms_settings s) : s_(std::move(s)), http_(s_.ca_file, s_.timeout) {
        while (!s_.url.empty() && s_.url.back() == '/')
            s_.url.pop_back();
    }

    sms_outcome send(const std::string& to, const std::string& text) override {
        std::vector<std::pair<std::string, std::string>> fields{
            {"To", to}, {"From", s_.from}, {"Body", text}};
        if (!s_.status_url.empty())
            fields.emplace_back("StatusCallback", s_.status_url);
        const auto a =
            http_.post(s_.url + "/2010-04-01/Accounts/" + s_.account + "/Messages.json",
                       "application/x-www-form-urlencoded", form_encode(fields), {}, s_.account, s_.token);
        return outcome_of_answer(a, "sid");
    }

  private:
    sms_settings s_;
    http_poster http_;
};

/// A generic JSON webhook: POST {"to", "from", "text", "status_url"} to the configured URL with the token as
/// a bearer; the answer's `id` names the message.
class webhook_sms final : public sms_provider {
  public:
    explicit webhook_sms(sms_settings s) : s_(std::move(s)), http_(s_.ca_file, s_.timeout) {}

    sms_outcome send(const std::string& to, const std::string& text) override {
        json::object body{{"to", to}, {"from", s_.from}, {"text", text}};
        if (!s_.status_url.empty())
            body["status_url"] = s_.status_url;
        const auto a = http_.post(s_.url, "application/json", json::serialize(body),
                                  {"Authorization: Bearer " + s_.token});
        return outcome_of_answer(a, "id");
    }

  private:
    sms_settings s_;
    http_poster http_;
};

}  // namespace

send_outcome outcome_of_status(long status, const std::string& transport_error, const std::string& code) {
    if (status == 0)
        return {send_outcome::kind::temporary, "no answer: " + transport_error, true};
    const std::string what = "HTTP " + std::to_string(status) + (code.empty() ? "" : " code " + code);
    if (status >= 200 && status < 300)
        return {send_outcome::kind::sent, {}};
    if (status == 400 || status == 404 || status == 422)
        return {send_outcome::kind::permanent, what + ": refused"};
    return {send_outcome::kind::temporary, what};
}

std::unique_ptr<sms_provider> make_sms_provider(const sms_settings& s) {
    if (s.url.rfind("https://", 0) != 0 && s.url.rfind("http://", 0) != 0)
        throw std::invalid_argument("--sms-url must be an http:// or https:// address");
    // The token travels with every message: in clear only to this machine (a local gateway, the tests).
    if (s.url.rfind("http://", 0) == 0 && !smtp_url_is_local(s.url))
        throw std::invalid_argument("--sms-url must use https:// unless the provider is on this machine");
    if (s.token.empty())
        throw std::invalid_argument("--sms-token-file is required with --sms-provider");
    if (s.from.empty())
        throw std::invalid_argument("--sms-from is required with --sms-provider");
    if (s.provider == "twilio") {
        if (s.account.empty())
            throw std::invalid_argument("--sms-account is required with --sms-provider twilio");
        return std::make_unique<twilio_sms>(s);
    }
    if (s.provider == "webhook")
        return std::make_unique<webhook_sms>(s);
    throw std::invalid_argument("--sms-provider must be twilio or webhook");
}

}  // namespace relais::notify
