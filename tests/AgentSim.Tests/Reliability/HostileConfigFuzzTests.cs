using System.Diagnostics;
using System.Text;
using AgentSim.Cli;
using AgentSim.Config;
using AgentSim.Tests.Output;
using AgentSim.Tests.Runs;
using Xunit.Abstractions;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// Hostile configs through the real CLI entry point: every generated config is broken on purpose, and each must
/// end with exit code 2 and one clear error line — never an unhandled exception or a hang — while memory stays
/// bounded. The generator is seeded, so a failure reproduces. It runs alone (its memory bound is process-wide).
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class HostileConfigFuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_thousand_hostile_configs_all_fail_cleanly()
    {
        Directory.CreateDirectory(_dir.File("data"));
        File.Copy(RunFixtures.ProvincesFile, _dir.File(Path.Combine("data", "provinces.csv")));
        var cases = Generate(new Random(20261128)).ToList();
        Assert.True(cases.Count >= 1000, $"only {cases.Count} cases generated");

        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long worst = 0;
        var kinds = new Dictionary<string, int>();
        for (int i = 0; i < cases.Count; i++)
        {
            var (kind, content, extraArgs) = cases[i];
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            string path = _dir.File($"case{i}.yaml");
            // "{self}" makes a file extend itself, or a partner that extends it back: a cycle.
            string text = Encoding.UTF8.GetString(content);
            if (text.Contains("{self}"))
            {
                string partner = _dir.File($"case{i}-partner.yaml");
                File.WriteAllText(partner, $"extends: case{i}.yaml\n");
                content = Utf8Bytes(text.Replace("{self}", i % 2 == 0 ? $"case{i}.yaml" : $"case{i}-partner.yaml"));
            }
            File.WriteAllBytes(path, content);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            // A hang detector, not a speed claim: each case gets 5 s.
            var task = Task.Run(() => CliApp.Run(["validate", path, .. extraArgs], stdout, stderr));
            int code;
            try
            {
                code = await task.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"case {i} ({kind}) did not finish in 5 s");
                return;
            }
            string message = stderr.ToString();
            Assert.True(code == ExitCodes.BadInput, $"case {i} ({kind}): exit {code}; stderr: {message}; config: {Preview(content)}");
            Assert.StartsWith("error: ", message);
            Assert.DoesNotContain("   at ", message);
            Assert.DoesNotContain("Exception", message);
            Assert.DoesNotContain("please report", message);
            if (kind == "cyclic extends") Assert.Contains("cycl", message, StringComparison.OrdinalIgnoreCase);
            if (i % 100 == 0) worst = Math.Max(worst, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            File.Delete(path);
        }
        worst = Math.Max(worst, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        foreach (var (kind, count) in kinds.OrderBy(k => k.Key)) log.WriteLine($"{kind}: {count}");
        log.WriteLine($"retained managed memory growth at worst: {worst / 1e6:F1} MB");
        Assert.True(worst < 200e6, $"memory grew by {worst / 1e6:F0} MB over the fuzz run");
    }

    private static byte[] Utf8Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static string Preview(byte[] content)
    {
        string text = Encoding.UTF8.GetString(content);
        return text.Length > 200 ? text[..200] + "..." : text;
    }

    /// <summary>Broken configs of many kinds; each one is invalid by construction.</summary>
    private static IEnumerable<(string Kind, byte[] Content, string[] Args)> Generate(Random rng)
    {
        var parameters = ConfigSchema.Parameters.Where(p => !p.KeyPath.Contains("[]") && p.TypeName is "number" or "integer").ToList();
        var sections = ConfigSchema.Sections.Select(s => s.KeyPath).ToList();
        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
        string Nested(string keyPath, string value)
        {
            var parts = keyPath.Split('.');
            var sb = new StringBuilder();
            for (int d = 0; d < parts.Length; d++)
                sb.Append(new string(' ', 2 * d)).Append(parts[d]).Append(d == parts.Length - 1 ? $": {value}\n" : ":\n");
            return sb.ToString();
        }
        string Typo(string key)
        {
            var chars = key.ToCharArray();
            int i = rng.Next(chars.Length);
            return rng.Next(3) switch
            {
                0 => key.Remove(i, 1) is { Length: > 0 } r ? r : key + "x",
                1 => key.Insert(i, ((char)('a' + rng.Next(26))).ToString()),
                _ => key + "_" + (char)('a' + rng.Next(26)),
            };
        }

        for (int i = 0; i < 250; i++)
        {
            var p = parameters[rng.Next(parameters.Count)];
            string[] junk = ["fast", "\"12abc\"", "[1, 2]", "{a: 1}", "yes", "~", "''", "0x1G", "1e999e9"];
            yield return ("wrong type", Utf8(Nested(p.KeyPath, junk[rng.Next(junk.Length)])), []);
        }
        foreach (var p in parameters.Where(p => double.IsFinite(p.Max) || double.IsFinite(p.Min)))
        {
            if (double.IsFinite(p.Max) && p.Max < 1e15)
                yield return ("out of range (high)", Utf8(Nested(p.KeyPath, (p.Max * 2 + 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture))), []);
            if (double.IsFinite(p.Min) && p.Min > -1e15)
                yield return ("out of range (low)", Utf8(Nested(p.KeyPath, (p.Min - Math.Abs(p.Min) - 1).ToString("R", System.Globalization.CultureInfo.InvariantCulture))), []);
        }
        for (int i = 0; i < 120; i++)
        {
            var p = parameters[rng.Next(parameters.Count)];
            var parts = p.KeyPath.Split('.');
            parts[^1] = Typo(parts[^1]);
            string typoPath = string.Join('.', parts);
            if (ConfigSchema.Find(typoPath) is not null) continue;
            yield return ("misspelt key", Utf8(Nested(typoPath, "1")), []);
        }
        for (int i = 0; i < 40; i++)
        {
            string typo = Typo(sections[rng.Next(sections.Count)]);
            if (sections.Contains(typo) || ConfigSchema.Find(typo) is not null) continue;
            yield return ("unknown section", Utf8($"{typo}:\n  x: 1\n"), []);
        }
        for (int i = 0; i < 100; i++)
        {
            var p = parameters[rng.Next(parameters.Count)];
            string[] values = [".nan", ".inf", "-.inf", "1e308", "-1e308", "99999999999999999999999", "-99999999999999999999"];
            string v = values[rng.Next(values.Length)];
            // Huge values are only errors where the range excludes them; NaN and infinities always are.
            bool invalid = v.Contains("nan") || v.Contains("inf") || v.StartsWith('-') ? p.Min > -1e300 : p.Max < 1e300 || p.TypeName == "integer";
            if (invalid) yield return ("huge, negative or NaN", Utf8(Nested(p.KeyPath, v)), []);
        }
        yield return ("empty file", [], []);
        yield return ("only comments", Utf8("# nothing\n# at all\n"), []);
        yield return ("only whitespace", Utf8("\n\n   \n\t\n"), []);
        for (int i = 0; i < 100; i++)
        {
            var bytes = new byte[rng.Next(1, 400)];
            rng.NextBytes(bytes);
            // Keep it from being accidentally valid YAML: binary junk starts with control bytes.
            bytes[0] = (byte)rng.Next(1, 8);
            yield return ("binary junk", bytes, []);
        }
        for (int depth = 65; depth <= 2065; depth += 200)
        {
            var sb = new StringBuilder();
            for (int d = 0; d < depth; d++) sb.Append(new string(' ', d)).Append("a:\n");
            yield return ("deep nesting (block)", Utf8(sb.ToString()), []);
            yield return ("deep nesting (flow)", Utf8("x: " + new string('[', depth) + new string(']', depth) + "\n"), []);
        }
        for (int i = 0; i < 30; i++)
        {
            var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            int levels = 3 + rng.Next(8);
            for (int l = 1; l <= levels; l++) sb.Append($"a{l}: &a{l} [*a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}, *a{l - 1}]\n");
            yield return ("alias bomb", Utf8(sb.ToString()), []);
            yield return ("anchor and alias", Utf8($"officials: &o\n  tenure: 20\nlevers: *o\n"), []);
        }
        for (int i = 0; i < 20; i++)
        {
            // Cyclic extends: the file extends itself, directly or through a second file created alongside.
            yield return ("cyclic extends", Utf8("extends: {self}\nsteps: 4\n"), []);
        }
        foreach (string firms in new[] { "60000000", "1000000000", "2147483648", "1e12", "-5", "0" })
            yield return ("enormous or absurd firm count", Utf8($"firms: {firms}\n"), []);
        for (int i = 0; i < 60; i++)
        {
            var p = parameters[rng.Next(parameters.Count)];
            string[] bad = [$"{p.KeyPath}", $"{p.KeyPath}=", $"{p.KeyPath}=oops", $"{Typo(p.KeyPath)}=1", $"={rng.Next()}", $"{p.KeyPath}=[1,2"];
            string set = bad[rng.Next(bad.Length)];
            if (set.Contains('=') && set.Split('=')[1] is { Length: > 0 } value && double.TryParse(value, out _) && ConfigSchema.Find(set.Split('=')[0]) is not null) continue;
            yield return ("bad --set", Utf8("steps: 4\n"), ["--set", set]);
        }
        for (int i = 0; i < 80; i++)
        {
            // Structurally wrong: lists where mappings belong and the reverse, duplicate keys, tabs, tags.
            string[] shapes =
            [
                "industries:\n  steel: 1\n", "industries: 3\n", "levers: [1, 2]\n", "tariffs:\n  industry: ev\n",
                "steps: 4\nsteps: 5\n", "officials:\n\ttenure: 20\n", "seed: !!binary aGVsbG8=\n", "firms: !custom 5\n",
                "--- \nsteps: 4\n--- \nsteps: 5\n", "? [a, b]\n: 1\n", "incentives:\n  pilot_provinces: Zhejiang\n",
                "incentives:\n  pilot_provinces: [Atlantis]\n", "trade_in:\n  - industries: [evv]\n    from_step: 1\n    to_step: 2\n",
                "industries:\n  - name: Solar PV\n", "industries: []\n", "levers:\n  welfare_share:\n    min: 0.9\n    max: 0.1\n",
                "provinces:\n  data_file: /nonexistent/provinces.csv\n", "provinces:\n  data_file: ../../../../etc/passwd\n",
            ];
            yield return ("malformed structure", Utf8(shapes[rng.Next(shapes.Length)] + new string('#', rng.Next(3)) + "\n"), []);
        }
    }
}
