using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentSim.Tests.Report;

/// <summary>
/// Debian's chromium, headless, driven through the Chrome DevTools protocol over a WebSocket (no extra
/// packages): navigate, evaluate, collect console errors and exceptions, take a full-page screenshot.
/// Every wait is bounded; disposing closes the browser and removes nothing the caller did not create.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

    private readonly Process _process;
    private readonly ClientWebSocket _socket;
    private readonly StringBuilder _stderr;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly ConcurrentQueue<JsonNode> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiver;
    private int _nextId;
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeadlessChromium(Process process, ClientWebSocket socket, StringBuilder stderr)
    {
        _process = process;
        _socket = socket;
        _stderr = stderr;
        _receiver = Task.Run(ReceiveLoop);
    }

    /// <summary>The browser executable: $AGENTSIM_CHROMIUM, else the usual Debian paths; null when none is installed.</summary>
    public static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("AGENTSIM_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        return Candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Console messages, exceptions and log entries at level error, as text.</summary>
    public IReadOnlyList<string> Errors => _events.Select(ErrorText).Where(e => e is not null).Select(e => e!).ToList();

    /// <summary>Every console message and log entry, for the test output.</summary>
    public IReadOnlyList<string> ConsoleLines => _events.Select(e => e["method"]?.GetValue<string>() switch
    {
        "Runtime.consoleAPICalled" => $"console.{e["params"]?["type"]}: {string.Join(" ", (e["params"]?["args"]?.AsArray() ?? []).Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString()))}",
        "Log.entryAdded" => $"log.{e["params"]?["entry"]?["level"]} ({e["params"]?["entry"]?["source"]}): {e["params"]?["entry"]?["text"]}",
        "Runtime.exceptionThrown" => $"exception: {e["params"]?["exceptionDetails"]?["exception"]?["description"] ?? e["params"]?["exceptionDetails"]?["text"]}",
        _ => null,
    }).Where(l => l is not null).Select(l => l!).ToList();

    public string BrowserLog { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts the browser on about:blank with a new empty profile in <paramref name="userDataDir"/> and connects to its page.</summary>
    public static async Task<HeadlessChromium> StartAsync(string executable, string userDataDir, CancellationToken ct)
    {
        Directory.CreateDirectory(userDataDir);
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
            $"--user-data-dir={userDataDir}", "--enable-logging=stderr", "--v=0",
            "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--window-size=1280,4000", "about:blank",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            // The browser writes its chosen port to DevToolsActivePort in the profile directory.
            string portFile = Path.Combine(userDataDir, "DevToolsActivePort");
            int port = 0;
            while (port == 0)
            {
                ct.ThrowIfCancellationRequested();
                if (process.HasExited) throw new InvalidOperationException($"chromium exited with code {process.ExitCode}:\n{Tail(stderr)}");
                if (File.Exists(portFile))
                {
                    var lines = await File.ReadAllLinesAsync(portFile, ct);
                    if (lines.Length > 0 && int.TryParse(lines[0], out var p)) port = p;
                }
                if (port == 0) await Task.Delay(100, ct);
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string? pageUrl = null;
            while (pageUrl is null)
            {
                ct.ThrowIfCancellationRequested();
                var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", ct))!.AsArray();
                pageUrl = targets.FirstOrDefault(t => t?["type"]?.GetValue<string>() == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                if (pageUrl is null) await Task.Delay(100, ct);
            }
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(pageUrl), ct);
            var browser = new HeadlessChromium(process, socket, stderr);
            await browser.SendAsync("Runtime.enable", null, ct);
            await browser.SendAsync("Log.enable", null, ct);
            await browser.SendAsync("Page.enable", null, ct);
            return browser;
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Navigates and waits for the load event.</summary>
    public async Task NavigateAsync(string url, CancellationToken ct)
    {
        _loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, ct);
        if (result["errorText"] is { } error) throw new InvalidOperationException($"navigation to {url} failed: {error}");
        await _loaded.Task.WaitAsync(ct);
    }

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken ct)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        }, ct);
        if (result["exceptionDetails"] is { } details) throw new InvalidOperationException($"evaluation failed: {details.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// <summary>Sets the window to <paramref name="width"/> x <paramref name="height"/> CSS pixels (a narrow phone or a wide monitor); navigate after it.</summary>
    public async Task SetViewportAsync(int width, int height, CancellationToken ct) =>
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = false,
        }, ct);

    /// <summary>A PNG of the whole page at <paramref name="width"/> CSS pixels wide.</summary>
    public async Task<byte[]> ScreenshotAsync(int width, CancellationToken ct)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics", null, ct);
        var size = metrics["cssContentSize"] ?? metrics["contentSize"];
        int height = (int)Math.Ceiling(size?["height"]?.GetValue<double>() ?? 4000);
        height = Math.Clamp(height, 100, 16_000);
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = false,
        }, ct);
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, ct);
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    public async Task<JsonNode> SendAsync(string method, JsonObject? parameters, CancellationToken ct)
    {
        int id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct);
        var response = await reply.Task.WaitAsync(ct);
        if (response["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return response["result"] ?? new JsonObject();
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node is null) continue;
                if (node["id"] is { } idNode && _pending.TryRemove(idNode.GetValue<int>(), out var reply))
                {
                    reply.TrySetResult(node);
                    continue;
                }
                _events.Enqueue(node);
                if (node["method"]?.GetValue<string>() == "Page.loadEventFired") _loaded.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or JsonException)
        {
        }
        foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    private static string? ErrorText(JsonNode e)
    {
        var p = e["params"];
        return e["method"]?.GetValue<string>() switch
        {
            "Runtime.consoleAPICalled" when p?["type"]?.GetValue<string>() is "error" or "assert" =>
                $"console.{p["type"]}: {string.Join(" ", (p["args"]?.AsArray() ?? []).Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString()))}",
            "Runtime.exceptionThrown" => $"uncaught exception: {p?["exceptionDetails"]?.ToJsonString()}",
            "Log.entryAdded" when p?["entry"]?["level"]?.GetValue<string>() == "error" =>
                $"log error ({p["entry"]?["source"]}): {p["entry"]?["text"]} {p["entry"]?["url"]}",
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await SendAsync("Browser.close", null, timeout.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or WebSocketException)
                {
                }
            }
            if (!_process.WaitForExit(10_000)) Kill(_process);
        }
        finally
        {
            _stop.Cancel();
            try
            {
                await _receiver.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }
            _socket.Dispose();
            _process.Dispose();
            _stop.Dispose();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Tail(StringBuilder sb)
    {
        lock (sb)
        {
            var text = sb.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }
}
