# Admitted requests' tokens/s with and without a retry storm. N "users" send completions back to back;
# with --storm, S more clients hammer the same endpoint and retry a 429 at once.
import http.client, json, threading, time, sys
port = int(sys.argv[1]); storm = int(sys.argv[2]); seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
stop = time.time() + seconds
lock = threading.Lock()
done = []; rejected = [0]; storm_ok = [0]
def body(tokens):
    return json.dumps({"prompt": "And God said", "max_tokens": tokens, "temperature": 0,
                       "dyspec": {"strategy": "dyspec-calibrated", "budget": 8}})
def user(i):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    while time.time() < stop:
        t0 = time.time()
        c.request('POST', '/v1/completions', body(64), {'Content-Type': 'application/json'})
        r = c.getresponse(); data = r.read()
        if r.status == 200:
            with lock: done.append((json.loads(data)["usage"]["completion_tokens"], time.time() - t0))
        else:
            with lock: rejected[0] += 1
def stormer(i):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
    while time.time() < stop:
        try:
            c.request('POST', '/v1/completions', body(64), {'Content-Type': 'application/json'})
            r = c.getresponse(); r.read()
            with lock:
                if r.status == 429: rejected[0] += 1
                else: storm_ok[0] += 1
        except Exception:
            c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
ts = [threading.Thread(target=user, args=(i,)) for i in range(4)] + [threading.Thread(target=stormer, args=(i,)) for i in range(storm)]
[t.start() for t in ts]; [t.join() for t in ts]
tok = sum(d[0] for d in done); secs = sum(d[1] for d in done)
print("storm %d: users completed %d requests, %.1f tokens/s per admitted request (mean over requests %.1f), storm admitted %d, rejected %d (%.0f/s)"
      % (storm, len(done), tok / secs if secs else 0, sum(d[0]/d[1] for d in done)/max(1,len(done)), storm_ok[0], rejected[0], rejected[0]/seconds))
