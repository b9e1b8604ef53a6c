using System.Runtime.InteropServices;

namespace VoiceAgent.Host.Tests.Infrastructure;

/// <summary>
/// Decodes audio files with libsndfile (Debian libsndfile1, there with sox): an independent reader
/// of Ogg Opus, to check what the host writes against someone else's parser.
/// </summary>
internal static partial class SndFile
{
    private const int ReadMode = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    private struct Info
    {
        public long Frames;
        public int SampleRate;
        public int Channels;
        public int Format;
        public int Sections;
        public int Seekable;
    }

    [LibraryImport("libsndfile.so.1", EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr Open(string path, int mode, ref Info info);

    [LibraryImport("libsndfile.so.1", EntryPoint = "sf_read_short")]
    private static partial long ReadShort(IntPtr file, [Out] short[] buffer, long items);

    [LibraryImport("libsndfile.so.1", EntryPoint = "sf_close")]
    private static partial int Close(IntPtr file);

    [LibraryImport("libsndfile.so.1", EntryPoint = "sf_strerror")]
    private static partial IntPtr StrError(IntPtr file);

    /// <summary>The decoded samples (first channel), the sample rate and libsndfile's format code.</summary>
    public static (short[] Samples, int SampleRate, int Format) Read(string path)
    {
        var info = default(Info);
        var file = Open(path, ReadMode, ref info);
        if (file == IntPtr.Zero)
        {
            throw new InvalidDataException($"libsndfile cannot open {path}: {Marshal.PtrToStringUTF8(StrError(IntPtr.Zero))}");
        }

        try
        {
            var all = new List<short>();
            var buffer = new short[4096 * info.Channels];
            long read;
            while ((read = ReadShort(file, buffer, buffer.Length)) > 0)
            {
                for (var i = 0; i < read; i += info.Channels)
                {
                    all.Add(buffer[i]);
                }
            }

            return ([.. all], info.SampleRate, info.Format);
        }
        finally
        {
            Close(file);
        }
    }
}
