-- wrk script: GET requests signed in as many users in turn. Argument: a file of Cookie header values, one
-- per line (scripts/bench writes it after signing each account in). Each wrk thread starts at a different
-- line, so the connections do not all ask for the same user's data.
local cookies = {}
local next_index = 1
local thread_counter = 0

function setup(thread)
    thread:set("thread_no", thread_counter)
    thread_counter = thread_counter + 1
end

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then
            cookies[#cookies + 1] = line
        end
    end
    if #cookies == 0 then
        error("no cookies in " .. tostring(args[1]))
    end
    next_index = ((thread_no or 0) * 17) % #cookies + 1
end

function request()
    local cookie = cookies[next_index]
    next_index = next_index % #cookies + 1
    return wrk.format("GET", nil, { ["Cookie"] = cookie })
end
