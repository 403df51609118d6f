-- wrk script: each connection waits PACED_DELAY_MS (default 2) after every response before it
-- sends the next request. The offered load then stays below every contender's maximum, so the
-- latency percentiles measure the path through the load balancer rather than the run queues of
-- a saturated machine (the plain keep-alive run is closed-loop at saturation).
local pause = tonumber(os.getenv("PACED_DELAY_MS") or "2")

function delay()
    return pause
end
