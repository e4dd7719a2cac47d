# 7 streaming clients generate continuously; after a warm-up a 400-token prompt arrives.
# Prints p95 of chunk gaps of the 7 streams during a baseline window and during the long prompt's prefill+first token.
import http.client, json, threading, time, sys
port = int(sys.argv[1]); long_tokens = int(sys.argv[2]) if len(sys.argv) > 2 else 400
stop = time.time() + 14
events = []  # (time, gap_ms)
lock = threading.Lock()
def stream(i):
    while time.time() < stop:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
        body = json.dumps({"prompt": "And God said", "max_tokens": 128, "temperature": 0, "seed": i, "stream": True,
                           "dyspec": {"strategy": "dyspec-calibrated", "budget": 8}})
        c.request('POST', '/v1/completions', body, {'Content-Type': 'application/json'})
        r = c.getresponse(); last = None
        for line in r:
            line = line.decode().strip()
            if not line.startswith('data: ') or line == 'data: [DONE]': continue
            now = time.time()
            if last is not None:
                with lock: events.append((now, (now - last) * 1000))
            last = now
        c.close()
ts = [threading.Thread(target=stream, args=(i,)) for i in range(7)]
[t.start() for t in ts]
time.sleep(6)
word = " the"
prompt = "And God said" + word * (long_tokens - 4)
t0 = time.time()
c = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
c.request('POST', '/v1/completions', json.dumps({"prompt": prompt, "max_tokens": 1, "temperature": 0}), {'Content-Type': 'application/json'})
resp = json.loads(c.getresponse().read())
t1 = time.time()
[t.join() for t in ts]
def p95(xs):
    xs = sorted(xs); return xs[int(0.95 * (len(xs) - 1))] if xs else float('nan')
base = [g for (t, g) in events if t0 - 4 < t < t0]
during = [g for (t, g) in events if t0 <= t <= t1 + 0.3]
print("long prompt: %d tokens, answered in %.0f ms" % (resp["usage"]["prompt_tokens"], (t1 - t0) * 1000))
print("7 streams chunk gap p95: baseline %.1f ms (%d gaps), during the long prompt %.1f ms (%d gaps), ratio %.2f"
      % (p95(base), len(base), p95(during), len(during), p95(during) / p95(base)))
print("longest gap: baseline %.0f ms, during %.0f ms" % (max(base), max(during)))
