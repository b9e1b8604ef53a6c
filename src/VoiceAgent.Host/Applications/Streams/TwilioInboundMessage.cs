using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace VoiceAgent.Host.Applications.Streams;

/// <summary>The events of Twilio Media Streams that an application sends and VoiceAgent acts on.</summary>
internal enum TwilioInboundEvent
{
    Other,
    Media,
    Mark,
    Clear,
}

/// <summary>
/// Reads one message from a Twilio Media Streams application with <see cref="Utf8JsonReader"/>: a
/// <c>media</c> event's base64 payload is decoded straight into a pooled buffer, so the 50 messages a
/// second of an application's speech allocate no DOM, no string and no array each.
/// <code>{"event":"media","streamSid":"MZ…","media":{"payload":"…"}}  {"event":"mark","mark":{"name":"x"}}  {"event":"clear"}</code>
/// </summary>
internal static class TwilioInboundMessage
{
    /// <summary>
    /// Parses <paramref name="json"/>. For a media event <paramref name="payload"/> is a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> holding <paramref name="payloadLength"/> bytes of μ-law, owned by the
    /// caller; otherwise it is null. Returns false, with the reason, for a message that is not JSON or whose payload is not base64.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TwilioInboundEvent kind, out byte[]? payload, out int payloadLength, out string? markName, out string? error)
    {
        kind = TwilioInboundEvent.Other;
        payload = null;
        payloadLength = 0;
        markName = null;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("event"u8))
                {
                    reader.Read();
                    kind = reader.TokenType != JsonTokenType.String ? TwilioInboundEvent.Other
                        : reader.ValueTextEquals("media"u8) ? TwilioInboundEvent.Media
                        : reader.ValueTextEquals("mark"u8) ? TwilioInboundEvent.Mark
                        : reader.ValueTextEquals("clear"u8) ? TwilioInboundEvent.Clear
                        : TwilioInboundEvent.Other;
                    reader.Skip(); // a non-string event value (an object, an array) is passed over
                }
                else if (reader.ValueTextEquals("media"u8))
                {
                    reader.Read();
                    if (!ReadMedia(ref reader, ref payload, ref payloadLength))
                    {
                        error = "media payload is not a base64 string";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("mark"u8))
                {
                    reader.Read();
                    markName = ReadMarkName(ref reader) ?? markName;
                }
                else
                {
                    reader.Skip(); // on a property name: skips its value
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            Return(ref payload);
            error = ex.Message;
            return false;
        }

        if (kind != TwilioInboundEvent.Media)
        {
            Return(ref payload); // a payload outside a media event is not audio
            payloadLength = 0;
        }
        else if (payload is null)
        {
            error = "media event without a payload";
            return false;
        }

        return true;
    }

    /// <summary>The <c>media</c> object: decodes its <c>payload</c>; false when the payload is not base64.</summary>
    private static bool ReadMedia(ref Utf8JsonReader reader, ref byte[]? payload, ref int length)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return true;
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("payload"u8) && payload is null)
            {
                reader.Read();
                if (!TryDecode(ref reader, out payload, out length))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }

    /// <summary>The <c>mark</c> object's <c>name</c>, or null.</summary>
    private static string? ReadMarkName(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? name = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : name;
                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }

        return name;
    }

    private static bool TryDecode(ref Utf8JsonReader reader, out byte[]? payload, out int length)
    {
        payload = null;
        length = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueIsEscaped)
        {
            // Rare (an escaped '/'): the unescaped string, then the same decode.
            var text = reader.GetString()!;
            payload = ArrayPool<byte>.Shared.Rent(Math.Max(1, text.Length * 3 / 4));
            if (Convert.TryFromBase64String(text, payload, out length))
            {
                return true;
            }
        }
        else
        {
            var base64 = reader.ValueSpan;
            payload = ArrayPool<byte>.Shared.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
            if (Base64.DecodeFromUtf8(base64, payload, out _, out length) == OperationStatus.Done)
            {
                return true;
            }
        }

        Return(ref payload);
        length = 0;
        return false;
    }

    private static void Return(ref byte[]? payload)
    {
        if (payload is not null)
        {
            ArrayPool<byte>.Shared.Return(payload);
            payload = null;
        }
    }
}
