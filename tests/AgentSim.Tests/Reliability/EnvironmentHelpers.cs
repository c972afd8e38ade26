using System.Diagnostics;
using System.Net.Sockets;
using AgentSim.Cli;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// Hostile file-system objects for the reliability tests: named pipes, sockets, devices, a full disk and a read-only
/// one (small tmpfs mounts where this process may mount, else what an unprivileged user can make), and a CLI call
/// with a hang detector.
/// </summary>
internal static class EnvironmentHelpers
{
    /// <summary>A named pipe at <paramref name="path"/> (mkfifo(3) from libc).</summary>
    public static void MakeFifo(string path)
    {
        if (Mkfifo(path, Convert.ToInt32("644", 8)) != 0)
            throw new InvalidOperationException($"mkfifo {path} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int mode);

    /// <summary>A Unix domain socket bound at <paramref name="path"/>; dispose to close it (the file stays).</summary>
    public static Socket MakeSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>
    /// Runs the CLI in-process on a worker thread; a call still running after <paramref name="hangSeconds"/> is a hang
    /// (what a FIFO did before: open(2) waited forever for a writer). Afterwards every FIFO in <paramref name="unblock"/>
    /// is opened for writing, so a hung reader returns and the test process can end.
    /// </summary>
    public static (int Code, string Stdout, string Stderr) RunCli(string[] args, int hangSeconds = 60, params string[] unblock)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var task = Task.Factory.StartNew(() => CliApp.Run(args, stdout, stderr), TaskCreationOptions.LongRunning);
        var finished = task.Wait(TimeSpan.FromSeconds(hangSeconds));
        if (!finished)
        {
            foreach (var fifo in unblock)
            {
                try
                {
                    using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                }
                catch (IOException)
                {
                }
            }
            Assert.Fail($"'{string.Join(' ', args)}' did not finish: it hangs");
        }
        return (task.Result, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The user-error shape: exit 2, exactly one line, starting "error: ", no bug report.</summary>
    public static void AssertUserError((int Code, string Stdout, string Stderr) result, string what)
    {
        Assert.True(result.Code == ExitCodes.BadInput, $"{what}: exit {result.Code}, stderr: {result.Stderr}");
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{what}: expected one line, got: {result.Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("bug", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> (read-only when asked); null when this process may not mount.</summary>
    public static string? TryMountTmpfs(string directory, int kilobytes, bool readOnly)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
            return null;
        Directory.CreateDirectory(directory);
        var options = (readOnly ? "ro," : "") + $"size={kilobytes}k";
        return Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", directory) == 0 ? directory : null;
    }

    public static void Unmount(string? directory)
    {
        if (directory is not null)
            Run("umount", "-l", directory);
    }

    /// <summary>
    /// A folder the process cannot write to: a read-only tmpfs as root (root ignores permission bits), else mode 0555.
    /// Null when neither works (root without mount rights).
    /// </summary>
    public static string? ReadOnlyFolder(string directory)
    {
        if (OperatingSystem.IsWindows())
            return null;
        if (TryMountTmpfs(directory, 64, readOnly: true) is { } mounted)
            return mounted;
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            // Root ignores 0555: then there is no read-only folder to test with.
            File.WriteAllText(Path.Combine(directory, "probe"), "x");
            File.Delete(Path.Combine(directory, "probe"));
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return directory;
        }
    }

    private static int Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    /// <summary>Whether a file is whole Parquet: the magic at both ends (the footer is written last).</summary>
    public static bool IsWholeParquet(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.Length >= 12 && bytes.AsSpan(0, 4).SequenceEqual("PAR1"u8) && bytes.AsSpan(bytes.Length - 4).SequenceEqual("PAR1"u8);
    }

    /// <summary>Whether a file is a whole PNG: the signature and, at the end, the IEND chunk.</summary>
    public static bool IsWholePng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        byte[] iend = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];
        return bytes.Length > 20 && bytes.AsSpan(0, 8).SequenceEqual(signature) && bytes.AsSpan(bytes.Length - 8).SequenceEqual(iend);
    }
}
