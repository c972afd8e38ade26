using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AgentSim.Config;

/// <summary>
/// Reads a file whose path a user chose (a config, an <c>extends</c> base, a data file, a scenario in a listed folder):
/// only a regular file, and never more than a cap, counted while reading. A named pipe would block the open forever and
/// a device such as <c>/dev/zero</c> reports length 0 but never ends, so neither the path's type before opening nor the
/// reported length can be trusted: the file is opened without blocking, its type is taken from the open handle, and
/// reading stops one byte past the cap. Problems are <see cref="UserFileException"/>; their messages never quote
/// the file's content (a wrong path may name a secret).
/// </summary>
public static class UserFile
{
    /// <summary>The largest config file (and <c>extends</c> base) read.</summary>
    public const long MaxConfigBytes = 10 * 1024 * 1024;

    /// <summary>The largest data file read (the provinces table is 2 KB).</summary>
    public const long MaxDataBytes = 16 * 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of a regular file.</summary>
    /// <exception cref="UserFileException">Missing, not a regular file, unreadable, or larger than the cap.</exception>
    public static byte[] ReadBytes(string path, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var handle = OpenRegular(path);
        var buffer = new ArrayBufferWriter<byte>();
        long total = 0;
        try
        {
            while (true)
            {
                var span = buffer.GetSpan(64 * 1024);
                int read = RandomAccess.Read(handle, span, total);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                total += read;
                if (total > maxBytes)
                {
                    throw new UserFileException($"is larger than the {Megabytes(maxBytes)} limit");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFileException($"cannot be read ({ex.Message})", ex);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a regular file as strict UTF-8 (a leading byte-order mark is dropped). Invalid bytes are refused with their
    /// byte offset and line rather than replaced with U+FFFD, which would silently change names.
    /// </summary>
    /// <exception cref="UserFileException">As <see cref="ReadBytes"/>, or the bytes are not valid UTF-8.</exception>
    public static string ReadUtf8(string path, long maxBytes) => DecodeUtf8(ReadBytes(path, maxBytes));

    /// <summary>Strict UTF-8 decoding; see <see cref="ReadUtf8"/>.</summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        int start = bytes.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var content = bytes[start..];
        var chars = new char[content.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(content, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            int offset = start + read;
            int line = 1 + bytes[..offset].Count((byte)'\n');
            var shown = offset < bytes.Length ? $"byte 0x{bytes[offset]:X2}" : "a truncated character";
            throw new UserFileException(
                $"is not valid UTF-8: {shown} at byte offset {offset} (line {line}); save it as UTF-8");
        }
        return new string(chars, 0, written);
    }

    /// <summary>True when <paramref name="path"/> is a regular file (following symbolic links), without opening it.</summary>
    public static bool IsRegular(string path)
    {
        try
        {
            using var handle = OpenRegular(path);
            return true;
        }
        catch (UserFileException)
        {
            return false;
        }
    }

    /// <summary>Opens a regular file for reading without blocking on a pipe; anything else is refused by its kind.</summary>
    private static SafeFileHandle OpenRegular(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UserFileException("is a directory, not a file");
        }
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return OpenPortable(path);
        }
        // O_NONBLOCK makes open() of a FIFO return at once instead of waiting for a writer; it changes nothing for
        // reading a regular file. O_CLOEXEC keeps the descriptor out of child processes.
        int flags = OperatingSystem.IsLinux() ? 0x800 | 0x80000 : 0x4 | 0x1000000;
        int fd = Native.Open(path, flags);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new UserFileException(errno switch
            {
                2 or 20 => "not found",
                13 or 1 => "cannot be read (permission denied)",
                36 or 63 => "cannot be opened: the path is too long",
                _ => $"cannot be opened (error {errno})",
            });
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var kind = Native.FileKind(handle);
            if (kind != Native.RegularFile)
            {
                throw new UserFileException($"is {Native.Describe(kind)}, not a regular file");
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SafeFileHandle OpenPortable(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new UserFileException("not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new UserFileException("not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFileException($"cannot be opened ({ex.Message})", ex);
        }
    }

    private static string Megabytes(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes:N0}-byte";

    /// <summary>
    /// open(2) from libc and the runtime's own fstat (<c>SystemNative_FStat</c>, whose portable FileStatus puts the
    /// mode at the same offset on every platform), since .NET 10 has no public way to ask a handle for its file type.
    /// </summary>
    private static class Native
    {
        public const int RegularFile = 0x8000;
        private const int TypeMask = 0xF000;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int OpenRaw([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        public static int Open(string path, int flags) => OpenRaw(path, flags);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
        private static extern unsafe int FStat(SafeFileHandle fd, byte* status);

        public static unsafe int FileKind(SafeFileHandle handle)
        {
            // FileStatus is { int32 Flags; int32 Mode; ... } and under 200 bytes; the buffer leaves room to spare.
            byte* status = stackalloc byte[512];
            if (FStat(handle, status) != 0)
            {
                throw new UserFileException("cannot be examined (fstat failed)");
            }
            return *(int*)(status + 4) & TypeMask;
        }

        public static string Describe(int kind) => kind switch
        {
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x4000 => "a directory",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }
}

/// <summary>A user-chosen file that cannot be used; <see cref="Exception.Message"/> is the problem after the file's name ("is a named pipe (FIFO), not a regular file").</summary>
public sealed class UserFileException(string problem, Exception? inner = null) : Exception(problem, inner);
