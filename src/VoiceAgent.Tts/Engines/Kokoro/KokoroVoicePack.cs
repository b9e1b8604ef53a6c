using System.Buffers.Binary;
using System.Text;
using VoiceAgent.Tts.Engines.Onnx;

namespace VoiceAgent.Tts.Engines.Kokoro;

/// <summary>
/// One Kokoro voice: [510, 1, 256] float32 style vectors, one row per utterance length (MODEL_FORMATS.md 2.3). Read
/// from a headerless little-endian <c>.bin</c> (onnx-community / kokoro.js layout, 522240 bytes) or a <c>.npy</c>
/// (one array of a kokoro-onnx voices NPZ). Immutable: the array never leaves this type.
/// </summary>
internal sealed class KokoroVoicePack
{
    public const int Rows = 510;
    public const int StyleSize = 256;
    private const int Values = Rows * StyleSize;

    private readonly float[] _styles;

    private KokoroVoicePack(string id, float[] styles)
    {
        Id = id;
        _styles = styles;
    }

    public string Id { get; }

    /// <summary>Style vector for a chunk of <paramref name="row"/> (clamped to the pack).</summary>
    public ReadOnlySpan<float> Row(int row) => _styles.AsSpan(Math.Clamp(row, 0, Rows - 1) * StyleSize, StyleSize);

    public static KokoroVoicePack Load(string id, string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException ex)
        {
            throw new ModelPackException($"Kokoro voice pack '{file}' cannot be read: {ex.Message}", file, ex);
        }

        var data = file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? NpyPayload(bytes, file) : bytes.AsSpan();
        if (data.Length != Values * sizeof(float))
        {
            throw new ModelPackException(
                $"Kokoro voice pack '{file}' has {data.Length} bytes of float32 data; expected {Values * sizeof(float)} ([{Rows},1,{StyleSize}]).", file);
        }

        var styles = new float[Values];
        for (var i = 0; i < styles.Length; i++)
        {
            styles[i] = BinaryPrimitives.ReadSingleLittleEndian(data.Slice(i * sizeof(float), sizeof(float)));
        }

        return new KokoroVoicePack(id, styles);
    }

    /// <summary>The data of a version 1/2/3 .npy holding little-endian float32 in C order; anything else is refused.</summary>
    private static Span<byte> NpyPayload(byte[] bytes, string file)
    {
        // .npy: "\x93NUMPY", major, minor, header length (2 bytes in v1, 4 in v2/v3), then a Python dict literal.
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new ModelPackException($"Kokoro voice pack '{file}' is not a .npy file.", file);
        }

        var major = bytes[6];
        var headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var headerStart = major == 1 ? 10 : 12;
        var header = Encoding.Latin1.GetString(bytes, headerStart, Math.Min(headerLength, bytes.Length - headerStart));
        if (!header.Contains("'<f4'", StringComparison.Ordinal) || header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new ModelPackException($"Kokoro voice pack '{file}' must hold little-endian float32 in C order (header: {header.Trim()}).", file);
        }

        return bytes.AsSpan(headerStart + headerLength);
    }
}
