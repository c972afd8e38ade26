using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentSim.Config;
using AgentSim.Model;
using AgentSim.Model.Checkpoints;
using AgentSim.Model.State;

namespace AgentSim.Output.Runs;

/// <summary>A completed part of one table: the rows of steps [FromStep, ToStep), written before a checkpoint.</summary>
public sealed record TableSegment(string Table, string File, int FromStep, int ToStep, long Rows, string Sha256);

/// <summary>What a checkpoint file says about itself (JSON, before the binary state).</summary>
public sealed class CheckpointHeader
{
    /// <summary>Layout of the file and of the state in it; a file of another version is refused.</summary>
    public int FormatVersion { get; set; }

    /// <summary>The step the resumed run starts with: quarters 0 .. Step - 1 are done and in the table segments.</summary>
    public int Step { get; set; }

    /// <summary>Recorded quarters of the whole run.</summary>
    public int Steps { get; set; }

    /// <summary>Quarters between checkpoints.</summary>
    public int CheckpointEvery { get; set; }

    /// <summary>SHA-256 of the resolved config (canonical YAML, thread count left out since results do not depend on it).</summary>
    public string ConfigSha256 { get; set; } = "";

    /// <summary>SHA-256 of the provinces data the run was built from (stored in the checkpoint).</summary>
    public string ProvincesSha256 { get; set; } = "";

    /// <summary>Simulator version that wrote the file.</summary>
    public string Version { get; set; } = "";

    public DateTimeOffset CreatedUtc { get; set; }

    /// <summary>Table parts holding every row written before the checkpoint, in order.</summary>
    public List<TableSegment> Segments { get; set; } = new();
}

/// <summary>
/// Checkpoint files: <c>DIR/checkpoint/step-NNNNNN.ckpt</c>, holding everything needed to continue a run at step NNNNNN.
/// Layout: the magic <c>AGSIMCKP</c>, the format version (int32), the header length (int32) and the header as UTF-8
/// JSON (<see cref="CheckpointHeader"/>), then the binary payload (the provinces data, the engine state, the output
/// tables' cross-quarter memories and the headline tracker), and last the SHA-256 of everything before it. Files are
/// written to a temporary name, fsynced and renamed, so a crash leaves either the previous checkpoint or the new one.
/// A file that is truncated, damaged (checksum), of another format version, or written for another config is refused
/// with <see cref="CheckpointException"/>.
/// </summary>
public static partial class RunCheckpoint
{
    /// <summary>Version of the file layout and of the state serialisation.</summary>
    public const int FormatVersion = 2;   // 2: firms' capacity pipeline stored by ring position (rows), not by firm

    /// <summary>Sub-directory of a run directory holding checkpoints and table parts.</summary>
    public const string DirectoryName = "checkpoint";

    /// <summary>Sub-directory of <see cref="DirectoryName"/> holding the table parts.</summary>
    public const string PartsDirectoryName = "parts";

    /// <summary>Checkpoints kept: the newest and the one before it (a fallback if the newest is damaged).</summary>
    public const int Keep = 2;

    private static readonly byte[] Magic = "AGSIMCKP"u8.ToArray();
    private const int HashBytes = 32;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>File name of the checkpoint at <paramref name="step"/>.</summary>
    public static string FileName(int step) => string.Create(CultureInfo.InvariantCulture, $"step-{step:D6}.ckpt");

    /// <summary>Checkpoints in <paramref name="runDirectory"/>, newest first, as (step, full path).</summary>
    public static IReadOnlyList<(int Step, string Path)> List(string runDirectory)
    {
        var directory = Path.Combine(runDirectory, DirectoryName);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var found = new List<(int, string)>();
        foreach (var path in Directory.EnumerateFiles(directory, "step-*.ckpt"))
        {
            var match = CheckpointName().Match(Path.GetFileName(path));
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                found.Add((step, path));
            }
        }
        found.Sort((a, b) => b.Item1.CompareTo(a.Item1));
        return found;
    }

    /// <summary>SHA-256 (hex) of the config as canonical YAML with the thread count left out: results do not depend on it.</summary>
    public static string ConfigHash(SimulationConfig config)
    {
        var yaml = ThreadsLine().Replace(ConfigYaml.Write(config), "threads: 0");
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)));
    }

    /// <summary>SHA-256 (hex) of the provinces data, over each row's fields in order.</summary>
    public static string ProvincesHash(IReadOnlyList<ProvinceRow> provinces)
    {
        var text = new StringBuilder();
        foreach (var p in provinces)
        {
            text.Append(p.Name).Append('\t')
                .Append(p.PopulationMillion.ToString("R", CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.GdpCnyTrillion.ToString("R", CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.IncomePerCapitaCny.ToString("R", CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.IncomeEstimated ? '1' : '0').Append('\n');
        }
        return Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>SHA-256 (hex) of a file's bytes.</summary>
    public static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Hex(SHA256.HashData(stream));
    }

    /// <summary>Writes a checkpoint atomically; <paramref name="writePayload"/> writes the binary state.</summary>
    internal static async Task WriteAsync(string path, CheckpointHeader header, Action<BinaryWriter> writePayload, CancellationToken ct)
    {
        var fullPath = TempFiles.PrepareTarget(path);
        var tempPath = TempFiles.PathFor(fullPath);
        var stream = TempFiles.Create(tempPath);
        try
        {
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var hashing = new HashingStream(stream, hash);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    var json = JsonSerializer.SerializeToUtf8Bytes(header, JsonOptions);
                    writer.Write(json.Length);
                    writer.Write(json);
                    writePayload(writer);
                    writer.Flush();
                }
                await stream.WriteAsync(hash.GetHashAndReset(), ct).ConfigureAwait(false);
            }
            await TempFiles.CommitAsync(stream, tempPath, fullPath, ct).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            TempFiles.TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>
    /// Checks a checkpoint file (magic, format version, checksum) and reads its header. The payload is read later
    /// with <see cref="ReadPayload"/>. Throws <see cref="CheckpointException"/> naming the file and the problem.
    /// </summary>
    public static CheckpointHeader Open(string path)
    {
        var name = DisplayName(path);
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"checkpoint {name} cannot be read: {ex.Message}");
        }
        using var stream = OpenRead(path);
        var fixedPart = Magic.Length + 2 * sizeof(int);
        if (length < fixedPart + HashBytes)
        {
            throw new CheckpointException($"checkpoint {name} is truncated ({length} bytes); it cannot be used");
        }
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new CheckpointException($"{name} is not an AgentSim checkpoint");
        }
        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new CheckpointException(
                $"checkpoint {name} has format version {version}, and this version of AgentSim reads format version {FormatVersion}; it cannot be resumed with this build");
        }
        VerifyChecksum(stream, length, name);
        stream.Position = Magic.Length + sizeof(int);
        var headerLength = reader.ReadInt32();
        if (headerLength <= 0 || headerLength > length - fixedPart - HashBytes)
        {
            throw new CheckpointException($"checkpoint {name} is damaged: bad header length");
        }
        try
        {
            return JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadBytes(headerLength), JsonOptions)
                   ?? throw new JsonException("null header");
        }
        catch (JsonException ex)
        {
            throw new CheckpointException($"checkpoint {name} is damaged: its header does not parse ({ex.Message})");
        }
    }

    /// <summary>Reads the payload of a checkpoint already checked by <see cref="Open"/>.</summary>
    internal static void ReadPayload(string path, Action<BinaryReader> readPayload)
    {
        using var stream = OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        stream.Position = Magic.Length + sizeof(int);
        var headerLength = reader.ReadInt32();
        stream.Position += headerLength;
        try
        {
            readPayload(reader);
        }
        catch (EndOfStreamException)
        {
            throw new CheckpointException($"checkpoint {DisplayName(path)} ends early: it was written by a different version of AgentSim");
        }
        if (stream.Position != stream.Length - HashBytes)
        {
            throw new CheckpointException($"checkpoint {DisplayName(path)} has unread data: it was written by a different version of AgentSim");
        }
    }

    /// <summary>Writes the provinces data (part of the payload, so a resume does not depend on the data file).</summary>
    internal static void WriteProvinces(BinaryWriter writer, IReadOnlyList<ProvinceRow> provinces)
    {
        writer.Write(provinces.Count);
        foreach (var p in provinces)
        {
            writer.Write(p.Name);
            writer.Write(p.PopulationMillion);
            writer.Write(p.GdpCnyTrillion);
            writer.Write(p.IncomePerCapitaCny);
            writer.Write(p.IncomeEstimated);
        }
    }

    internal static IReadOnlyList<ProvinceRow> ReadProvinces(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > 100_000)
        {
            throw new CheckpointException("the checkpoint is damaged: bad province count");
        }
        var rows = new List<ProvinceRow>(count);
        for (var i = 0; i < count; i++)
        {
            rows.Add(new ProvinceRow(reader.ReadString(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadBoolean()));
        }
        return rows;
    }

    /// <summary>A section marker, so a payload read out of step fails with a clear message rather than garbage.</summary>
    internal static void WriteSection(BinaryWriter writer, string name) => writer.Write("section:" + name);

    internal static void ReadSection(BinaryReader reader, string name)
    {
        var found = reader.ReadString();
        if (found != "section:" + name)
        {
            throw new CheckpointException($"the checkpoint's layout does not match this build (expected section '{name}'): it was written by a different version of AgentSim");
        }
    }

    private static void VerifyChecksum(FileStream stream, long length, string name)
    {
        stream.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        var remaining = length - HashBytes;
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new CheckpointException($"checkpoint {name} is truncated");
            }
            hash.AppendData(buffer, 0, read);
            remaining -= read;
        }
        var stored = new byte[HashBytes];
        stream.ReadExactly(stored);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            throw new CheckpointException(
                $"checkpoint {name} is corrupted (checksum mismatch); it cannot be used. Delete it to resume from an earlier checkpoint, if there is one, or restart the run with 'agentsim run ... --force'");
        }
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);

    private static string DisplayName(string path)
    {
        var parent = Path.GetFileName(Path.GetDirectoryName(path));
        return string.IsNullOrEmpty(parent) ? $"'{path}'" : $"'{Path.Combine(parent, Path.GetFileName(path))}'";
    }

    internal static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    [GeneratedRegex(@"^step-(\d{1,9})\.ckpt$")]
    private static partial Regex CheckpointName();

    [GeneratedRegex(@"(?m)^threads: .*$")]
    private static partial Regex ThreadsLine();

    /// <summary>Passes writes through to a stream and into a running hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
