using System.Globalization;
using System.Text;
using AgentSim.Config;

namespace AgentSim.Output.Runs;

/// <summary>
/// An exclusive lock on an output folder for the life of one command (<c>run</c>, <c>resume</c>, a local <c>sweep</c>):
/// a second process that wants the same folder is refused at once, naming the holder's pid, instead of both writing
/// and one result being lost. The lock is <c>flock(LOCK_EX | LOCK_NB)</c> on <c>DIR/.agentsim.lock</c> (what .NET's
/// <see cref="FileShare.None"/> takes on Unix), so the kernel releases it when the holder exits, however it ends: a
/// killed run leaves no stale lock. The file holds the holder's pid and host, for the message only.
/// </summary>
public sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name; folder checks ("is it empty?") ignore it.</summary>
    public const string FileName = ".agentsim.lock";

    private readonly FileStream _stream;
    private readonly string _path;

    private FolderLock(FileStream stream, string path) => (_stream, _path) = (stream, path);

    /// <summary>
    /// Creates <paramref name="directory"/> if needed and locks it; throws <see cref="OutputException"/> (exit 2) when
    /// another process holds it, or when the path is a file.
    /// </summary>
    public static FolderLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (File.Exists(full))
            throw new OutputException($"output path '{directory}' is a file, not a directory");
        Directory.CreateDirectory(full);
        var path = Path.Combine(full, FileName);
        // Opening, locking and writing are three steps: a holder may delete the file in between (at release), leaving
        // this process locking an unlinked file. The nonce read back through the path proves the path is the file locked.
        for (var attempt = 0; attempt < 16; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && EnvironmentErrors.Describe(ex) is null)
            {
                throw new OutputException($"'{directory}' is in use by another AgentSim process{Holder(path)}; wait for it to finish, or choose another folder");
            }
            var nonce = Guid.NewGuid().ToString("N");
            var text = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} on {Environment.MachineName}\n{nonce}\n");
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush();
            string? onDisk = null;
            try
            {
                onDisk = UserFile.ReadUtf8(path, 4096);
            }
            catch (UserFileException)
            {
            }
            if (onDisk == text)
                return new FolderLock(stream, path);
            stream.Dispose();
        }
        throw new OutputException($"cannot lock '{directory}': its lock file keeps changing; is another AgentSim process starting there?");
    }

    /// <summary>" (pid N on HOST)" from the lock file, or "" when it cannot be read.</summary>
    private static string Holder(string path)
    {
        try
        {
            var first = UserFile.ReadUtf8(path, 4096).Split('\n')[0].Trim();
            return first.StartsWith("pid ", StringComparison.Ordinal) ? $" ({first})" : "";
        }
        catch (UserFileException)
        {
            return "";
        }
    }

    /// <summary>True for the lock file's path: folder checks skip it.</summary>
    public static bool IsLockFile(string path) => Path.GetFileName(path) == FileName;

    /// <summary>Removes the lock file, then releases the lock (in that order: see <see cref="Acquire"/>).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only or vanished folder: the lock is still released below; a stale file is harmless.
        }
        _stream.Dispose();
    }
}
