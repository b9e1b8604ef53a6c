using System.Net.WebSockets;

namespace VoiceAgent.Host.Tests.Applications.Streams;

/// <summary>A peer that stopped reading: the first send never completes; records an abort.</summary>
internal sealed class StalledSocket : WebSocket
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _sends;

    public int Sends => Volatile.Read(ref _sends);

    public Task Aborted => _aborted.Task;

    public override WebSocketCloseStatus? CloseStatus => null;

    public override string? CloseStatusDescription => null;

    public override WebSocketState State => _aborted.Task.IsCompleted ? WebSocketState.Aborted : WebSocketState.Open;

    public override string? SubProtocol => null;

    public override void Abort() => _aborted.TrySetResult();

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        return _aborted.Task.ContinueWith(_ => throw new WebSocketException("aborted"), TaskScheduler.Default);
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        => throw new NotSupportedException();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose() => Abort();
}
