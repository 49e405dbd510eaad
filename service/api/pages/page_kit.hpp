#pragma once

#include "api/handler_support.hpp"
#include "api/pages/html.hpp"
#include "core/dictionary.hpp"
#include "domain/city_time.hpp"
#include "domain/programme.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// What the resident pages (/demande, /suivi, the refusal page) share: the programme's settings they show,
// the submitted form, the page layout and the accessible form fields. Everything returns html::markup.
namespace relais::api::pages {

using core::dictionaries;
using core::dictionary;
using core::fill_placeholders;

/// What the pages need besides the request: the database and the programme clock, the dictionaries (read
/// once at start).
struct page_services {
    data_access data;
    std::shared_ptr<const dictionaries> words;
};

/// What the pages show of the programme.
struct page_data {
    std::string programme_name, coordination_phone, consent_version;
    domain::city_time city;  ///< the programme's time zone: dates typed and shown are the city's
    std::vector<domain::category_record> categories;
    std::vector<domain::neighbourhood_record> neighbourhoods;
};

boost::asio::awaitable<page_data> load_page_data(store::store& db);

/// The submitted form fields (a name may repeat: checkboxes); values are trimmed.
class form_values {
  public:
    form_values() = default;
    explicit form_values(std::vector<std::pair<std::string, std::string>> pairs) : pairs_(std::move(pairs)) {}

    std::string get(std::string_view name) const;
    bool has(std::string_view name, std::string_view value) const;

  private:
    std::vector<std::pair<std::string, std::string>> pairs_;
};

/// The urlencoded form of `ctx` (415 for another type, 400 if malformed).
form_values read_form(const request_context& ctx);

/// Form field name -> plain-language error message.
using field_errors = std::map<std::string, std::string>;

/// A fresh Idempotency-Key for a form load (32 hex characters).
std::string random_key();

/// "ABCD-EFGH-..." for display.
std::string grouped(const std::string& canonical);

/// The page around `main`: header with the language switch (to `switch_to` in the other language), skip
/// link, footer with the coordination's phone; `script` (a path, or empty) enhances it.
html::markup layout(const dictionary& t, const page_data& d, std::string_view title,
                    std::string_view switch_to, const html::markup& main, std::string_view script);

/// A page answer: HTML, never cached or stored (it can hold a tracking code or what was just typed).
wire::response page_response(const request_context& ctx, status st, html::markup page);

/// The error list at the top of a form: each entry links to its field, in `order`.
html::markup error_summary(const dictionary& t, const field_errors& errors,
                           const std::vector<std::string>& order);

/// The error paragraph of a field (its id is what aria-describedby points to), or nothing.
html::markup field_error(const field_errors& errors, const std::string& name);

/// aria-invalid and aria-describedby (the hint, then the error) of a field's input.
html::markup invalid_attrs(const field_errors& errors, const std::string& name,
                           std::string_view hint_id = {});

/// A labelled text input with an optional hint.
struct text_input {
    std::string name, label_key, type = "text", autocomplete;
    bool required = false;
    std::string hint_key = {};
};
html::markup text_field(const dictionary& t, const form_values& v, const field_errors& errors,
                        const text_input& field);

/// A fieldset of radio buttons.
struct choice {
    std::string value, label, description;
};
html::markup radio_group(const dictionary& t, const form_values& v, const field_errors& errors,
                         const std::string& name, std::string_view legend_key,
                         const std::vector<choice>& choices, std::string_view fallback,
                         std::string_view css_class = "choices");

/// "Call us" with the coordination's number as a tel: link.
html::markup phone_box(const dictionary& t, const page_data& d, std::string_view intro_key);

// The forms, shown again by the refusal page with what was typed.
html::markup render_request_form(const dictionary& t, const page_data& d, const form_values& v,
                                 const field_errors& errors, const std::string& key);
html::markup render_track_form(const dictionary& t, const std::string& code, const field_errors& errors);

// The handlers, one file per page.
awaitable_response home_page(request_context& ctx, page_services s);                // GET /
awaitable_response request_page(request_context& ctx, page_services s);             // GET /demande
awaitable_response request_submit(request_context& ctx, page_services s);           // POST /demande
awaitable_response tracking_page(request_context& ctx, page_services s);            // GET /suivi
awaitable_response tracking_lookup(request_context& ctx, page_services s);          // POST /suivi
awaitable_response tracking_cancel(request_context& ctx, page_services s);          // POST /suivi/annuler
awaitable_response answer_page(request_context& ctx, page_services s);              // GET /reponse/{token}
awaitable_response answer_submit(request_context& ctx, page_services s);            // POST /reponse/{token}
awaitable_response email_confirmation_page(request_context& ctx, page_services s);  // GET /confirmer/{token}
// POST /confirmer/{token}:
awaitable_response email_confirmation_submit(request_context& ctx, page_services s);
awaitable_response unsubscribe_page(request_context& ctx, page_services s);    // GET /desabonner/{token}
awaitable_response unsubscribe_submit(request_context& ctx, page_services s);  // POST /desabonner/{token}
awaitable_response reserve_page(request_context& ctx, page_services s);        // GET /reserve/{token}
awaitable_response reserve_submit(request_context& ctx, page_services s);      // POST /reserve/{token}

/// The page a browser gets instead of problem+json when a resident page refuses a request.
boost::asio::awaitable<wire::response> refusal_page(page_services s, const wire::request& req,
                                                    wire::response problem);

}  // namespace relais::api::pages
