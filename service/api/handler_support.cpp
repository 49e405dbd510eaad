#include "api/handler_support.hpp"

#include "api/body_reader.hpp"

#include "core/clock.hpp"
#include "store/statement_cache.hpp"
#include "store/store.hpp"
#include "wire/request_checks.hpp"

#include "auth/principal.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"
#include "domain/ids.hpp"
#include "domain/time_format.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <sodium.h>

#include <array>
#include <charconv>

namespace relais::api {

namespace json = boost::json;

domain::actor actor_of(const request_context& ctx) {
    if (ctx.user)
        return {ctx.user->user_id, std::string(auth::to_string(ctx.user->r))};
    return domain::public_actor();
}

int limit_param(const request_context& ctx) {
    auto v = ctx.query("limit");
    if (!v)
        return 50;
    int n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < 1 || n > 200)
        throw bad_request("The query parameter limit must be an integer between 1 and 200.");
    return n;
}

std::int64_t seq_cursor(const request_context& ctx) {
    auto v = ctx.query("cursor");
    if (!v)
        return 0;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || p != v->data() + v->size() || n < 0)
        throw bad_request("The query parameter cursor is not a cursor returned by this list.");
    return n;
}

std::optional<std::string> enum_param(const request_context& ctx, std::string_view name,
                                      const std::vector<std::string>& allowed) {
    auto v = ctx.query(name);
    if (!v)
        return std::nullopt;
    for (const auto& a : allowed)
        if (a == *v)
            return v;
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    throw bad_request("The query parameter " + std::string(name) + " must be one of: " + list + ".");
}

std::optional<std::int64_t> time_param(const request_context& ctx, std::string_view name) {
    auto v = ctx.query(name);
    if (!v)
        return std::nullopt;
    auto t = domain::parse_iso8601(*v);
    if (!t) {
        if (auto d = domain::parse_date(*v))
            return d;
        throw bad_request("The query parameter " + std::string(name) +
                          " must be a date (YYYY-MM-DD) or an ISO 8601 date-time.");
    }
    return t;
}

void no_fields(const request_context& ctx) {
    if (ctx.req.body().empty())
        return;
    body_reader r(ctx.json_body());
    r.done();
}

bool is_staff(const request_context& ctx) {
    return ctx.user && ctx.user->is_staff();
}

std::string own_volunteer_id(const request_context& ctx) {
    auto v = volunteer_of(ctx);
    if (!v)
        throw error(error_kind::forbidden, "This page is for volunteers.");
    return *v;
}

std::optional<std::string> volunteer_of(const request_context& ctx) {
    if (ctx.user && ctx.user->r == auth::role::volunteer && !ctx.user->volunteer_id.empty())
        return ctx.user->volunteer_id;
    return std::nullopt;
}

void require_self_or_staff(const request_context& ctx, const std::string& volunteer_id) {
    if (is_staff(ctx))
        return;
    auto mine = volunteer_of(ctx);
    if (!mine || *mine != volunteer_id)
        throw not_found("No such volunteer.");
}

namespace {

/// One audit_log row; `route` is "METHOD /template".
void insert_audit(SQLite::Database& db, std::int64_t at, const std::string& user_id, std::string_view role,
                  std::string_view subject_type, const std::string& subject_id, std::string_view action,
                  const std::string& route) {
    auto q_lease =
        store::prepare(db,
                       "INSERT INTO audit_log(at, user_id, role, subject_type, subject_id, action, route) "
                       "VALUES (?,?,?,?,?,?,?)");
    SQLite::Statement& q = *q_lease;
    q.bind(1, static_cast<std::int64_t>(at));
    q.bind(2, user_id);
    q.bind(3, std::string(role));
    q.bind(4, std::string(subject_type));
    q.bind(5, subject_id);
    q.bind(6, std::string(action));
    q.bind(7, route);
    q.exec();
}

std::string route_of(const request_context& ctx) {
    return std::string(ctx.req.method_string()) + " " + std::string(ctx.route);
}

}  // namespace

void audit(SQLite::Database& db, const request_context& ctx, std::string_view subject_type,
           const std::string& subject_id, std::string_view action, std::int64_t now) {
    if (!ctx.user)
        return;
    insert_audit(db, now, ctx.user->user_id, auth::to_string(ctx.user->r), subject_type, subject_id, action,
                 route_of(ctx));
}

boost::asio::awaitable<void> audit_reads(const data_access& s, request_context& ctx,
                                         std::vector<std::pair<std::string, std::string>> subjects) {
    if (!ctx.user || subjects.empty())
        co_return;
    // Everything the job needs is copied: it runs after this request may have been answered.
    auto job = [now = s.clk.now_s(), user_id = ctx.user->user_id,
                role = std::string(auth::to_string(ctx.user->r)), route = route_of(ctx),
                subjects = std::move(subjects)](SQLite::Database& db) {
        for (const auto& [type, id] : subjects)
            insert_audit(db, now, user_id, role, type, id, "read", route);
    };
    if (!s.db.post_write(std::move(job))) {
        error busy(error_kind::unavailable, "The service is busy; please retry shortly.");
        busy.retry_after = std::chrono::seconds(1);
        throw busy;
    }
    co_return;
}

namespace {

/// A 32-byte digest of `parts` under `label` (domain separation between the row id and the sealing key).
std::array<unsigned char, crypto_generichash_BYTES> digest(std::string_view label,
                                                           std::initializer_list<std::string_view> parts) {
    std::array<unsigned char, crypto_generichash_BYTES> out{};
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, out.size());
    auto add = [&st](std::string_view s) {
        // Length-prefixed, so ("ab","c") and ("a","bc") differ.
        const std::uint64_t n = s.size();
        crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
        crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    };
    add(label);
    for (auto p : parts)
        add(p);
    crypto_generichash_final(&st, out.data(), out.size());
    return out;
}

std::string seal(const std::string& text, const std::array<unsigned char, crypto_generichash_BYTES>& key) {
    static_assert(crypto_generichash_BYTES == crypto_secretbox_KEYBYTES);
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + text.size(), '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(text.data()), text.size(), nonce,
                          key.data());
    return domain::to_hex(reinterpret_cast<const unsigned char*>(out.data()), out.size());
}

std::optional<std::string> unseal(const std::string& hex,
                                  const std::array<unsigned char, crypto_generichash_BYTES>& key) {
    std::string raw(hex.size() / 2, '\0');
    std::size_t n = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), hex.data(), hex.size(),
                       nullptr, &n, nullptr) != 0 ||
        n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return std::nullopt;
    const auto* nonce = reinterpret_cast<const unsigned char*>(raw.data());
    std::string text(n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(text.data()),
                                   nonce + crypto_secretbox_NONCEBYTES, n - crypto_secretbox_NONCEBYTES,
                                   nonce, key.data()) != 0)
        return std::nullopt;
    return text;
}

}  // namespace

idempotency_scope idempotency_of(const request_context& ctx) {
    // A key belongs to its caller: the signed-in user, or for anonymous callers their address (an IPv6 one
    // by its /64), so nobody can replay another caller's key and be answered with their tracking code.
    return {std::string(ctx.route),
            ctx.user ? "user " + ctx.user->user_id : "address " + wire::client_key(ctx.client_address),
            std::string(ctx.req["Idempotency-Key"]), ctx.req.body()};
}

awaitable_response idempotent_create(const data_access& s, request_context& ctx,
                                     std::function<std::pair<status, json::value>(SQLite::Database&)> work) {
    auto [st, text] = co_await run_idempotent(s, idempotency_of(ctx), std::move(work));
    response res{st, ctx.req.version()};
    res.set(wire::bhttp::field::content_type, "application/json");
    res.set(wire::bhttp::field::cache_control, "no-store");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = std::move(text);
    res.prepare_payload();
    co_return res;
}

boost::asio::awaitable<std::pair<status, std::string>> run_idempotent(
    const data_access& s, const idempotency_scope& scope,
    std::function<std::pair<status, json::value>(SQLite::Database&)> work) {
    const std::string& key = scope.key;
    // The key is the client's choice: a short or guessable one ("1") could be reused by another client and be
    // answered with the first client's tracking code. Keys are long random strings (our pages send 32 hex
    // characters); a stored answer is only for the same caller, and it is sealed with a key derived from the
    // client's key, so the table holds neither that key nor the tracking code it answered with.
    if (!key.empty()) {
        bool printable = true;
        for (unsigned char c : key)
            printable = printable && c > 0x20 && c < 0x7F;
        if (key.size() < 16 || key.size() > 200 || !printable)
            throw validation_error(
                {{"Idempotency-Key", "must be a random string of 16 to 200 visible ASCII characters"}});
    }
    const std::string& route = scope.route;
    const auto now = s.clk.now_s();
    const auto row = digest("relais idempotency row", {route, scope.caller, key});
    const auto sealing = digest("relais idempotency seal", {route, scope.caller, key});
    const auto body_digest = digest("relais idempotency body", {scope.body});
    const std::string row_id = domain::to_hex(row.data(), row.size());
    const std::string fingerprint = domain::to_hex(body_digest.data(), body_digest.size());
    auto job = [work = std::move(work), has_key = !key.empty(), row_id, sealing, fingerprint, route,
                now](SQLite::Database& db) -> std::pair<int, std::string> {
        if (has_key) {
            auto q_lease = store::prepare(
                db, "SELECT status, body, fingerprint FROM idempotency WHERE route = ? AND key = ?");
            SQLite::Statement& q = *q_lease;
            q.bind(1, route);
            q.bind(2, row_id);
            if (q.executeStep()) {
                const std::string stored = q.getColumn(2).getString();
                if (!stored.empty() && stored != fingerprint)
                    throw validation_error(
                        {{"Idempotency-Key", "was already used with another request body; use a new key"}});
                auto text = unseal(q.getColumn(1).getString(), sealing);
                if (!text)
                    throw std::runtime_error("an idempotency record could not be opened");
                return {q.getColumn(0).getInt(), std::move(*text)};
            }
        }
        auto [st, body] = work(db);
        std::string text = json::serialize(body);
        if (has_key) {
            auto ins_lease = store::prepare(db,
                                            "INSERT INTO idempotency(route, key, status, body, created_at, "
                                            "fingerprint) VALUES (?,?,?,?,?,?)");
            SQLite::Statement& ins = *ins_lease;
            ins.bind(1, route);
            ins.bind(2, row_id);
            ins.bind(3, static_cast<int>(st));
            ins.bind(4, seal(text, sealing));
            ins.bind(5, static_cast<std::int64_t>(now));
            ins.bind(6, fingerprint);
            ins.exec();
        }
        return {static_cast<int>(st), std::move(text)};
    };
    auto [st, text] = co_await s.db.write(std::move(job));
    co_return std::pair{static_cast<status>(st), std::move(text)};
}

boost::asio::awaitable<domain::parsed_map> parse_map_on_workers(boost::asio::thread_pool& workers,
                                                                std::string text) {
    auto parse = [file = std::move(text)] { return domain::parse_neighbourhood_file(file); };
    co_return co_await core::offload(workers, std::move(parse));
}

}  // namespace relais::api
