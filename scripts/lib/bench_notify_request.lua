-- wrk script of scripts/bench-notify: the public request form, POST /api/v1/requests, as
-- scripts/bench-lua/post_request.lua (a different body every time, a real durable write), the resident also
-- giving an email address: with email on, each request queues a "request received" email (tracking code).
local first_names = { "Yvonne", "Jean", "Odile", "Marcel", "Fatima", "Nolwenn", "André", "Soizic", "Paul", "Inès" }
local last_names = { "Le Gall", "Martin", "Tanguy", "Hamon", "Benali", "Le Bihan", "Durand", "Kerbrat" }
local neighbourhoods = { "centre", "thabor", "bourg-leveque", "saint-martin", "maurepas", "jeanne-darc",
    "francisco-ferrer", "sud-gare", "cleunay", "villejean", "le-blosne", "brequigny" }
local categories = { "shopping", "medicines", "books", "admin", "friendly_call", "walk", "appointment", "digital" }
local urgencies = { "today", "48h", "week" }

local counter = 0
local thread_salt = 0
local thread_counter = 0
local run_salt = string.format("%x", os.time())

function setup(thread)
    thread:set("thread_no", thread_counter)
    thread_counter = thread_counter + 1
end

function init(args)
    thread_salt = (thread_no or 0) * 100003
end

local function pick(list, n)
    return list[(n % #list) + 1]
end

local function json_string(s)
    return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

-- The window starts tomorrow (UTC), so it is never in the past while the benchmark runs.
local from_time = os.time() + 86400
local window_from = os.date("!%Y-%m-%dT10:00:00Z", from_time)
local window_until = os.date("!%Y-%m-%dT18:00:00Z", from_time + 2 * 86400)

function request()
    counter = counter + 1
    local n = counter * 7919 + thread_salt
    local phone = string.format("06%08d", n % 100000000)
    local body = "{" ..
        '"resident":{' ..
        '"first_name":' .. json_string(pick(first_names, n)) .. "," ..
        '"last_name":' .. json_string(pick(last_names, math.floor(n / 7))) .. "," ..
        '"phone":' .. json_string(phone) .. "," ..
        '"email":' .. json_string(string.format("habitant-%s-%d-%d@example.org", run_salt, thread_no or 0,
            counter)) .. "," ..
        '"address":' .. json_string(tostring(n % 120 + 1) .. " rue de Saint-Malo, Rennes") .. "," ..
        '"neighbourhood":' .. json_string(pick(neighbourhoods, math.floor(n / 3))) ..
        "}," ..
        '"category":' .. json_string(pick(categories, math.floor(n / 11))) .. "," ..
        '"urgency":' .. json_string(pick(urgencies, math.floor(n / 13))) .. "," ..
        '"details":' .. json_string("Demande n°" .. tostring(counter) .. " du banc d'essai") .. "," ..
        '"window":{"from":' .. json_string(window_from) .. ',"until":' .. json_string(window_until) .. "}," ..
        '"consent":true' ..
        "}"
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
