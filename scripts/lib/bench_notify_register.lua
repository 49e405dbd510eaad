-- wrk script of scripts/bench-notify: the public volunteer form, POST /api/v1/volunteers, without a password
-- (each registration then queues an email confirmation link), with a different email address and mobile
-- number every time. Emails carry the run's start time and the wrk thread, so runs never collide.
local counter = 0
local thread_counter = 0
local run_salt = string.format("%x", os.time())

function setup(thread)
    thread:set("thread_no", thread_counter)
    thread_counter = thread_counter + 1
end

local days = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }
local hoods = { "centre", "thabor", "maurepas", "villejean", "le-blosne", "cleunay" }
local skill_sets = { '["shopping","walk"]', '["friendly_call","books","digital"]', '["medicines","admin"]',
    '["appointment","shopping","friendly_call"]' }

function request()
    counter = counter + 1
    local t = thread_no or 0
    local email = string.format("inscrit-%s-%d-%d@example.org", run_salt, t, counter)
    -- 06 + 8 digits: the thread in the first, the counter in the other seven (10 million per thread).
    local phone = string.format("06%d%07d", t % 10, counter % 10000000)
    local day = days[(counter % 7) + 1]
    local body = '{"first_name":"Inscrit","last_name":"Banc","email":"' .. email .. '","phone":"' .. phone ..
        '","neighbourhood":"' .. hoods[(counter % #hoods) + 1] .. '","location":{"lat":48.11,"lon":-1.68},' ..
        '"skills":' .. skill_sets[(counter % #skill_sets) + 1] .. ',' ..
        '"availability":[{"day":"' .. day .. '","start":"09:00","end":"12:00"}],"languages":["fr"],' ..
        '"consent":true}'
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
