using VoiceAgent.Tts.Native;

namespace VoiceAgent.Tts.Tests.Native;

public sealed class EspeakNativeTests
{
    [Fact]
    public void Missing_library_error_names_the_debian_package()
    {
        var error = Assert.Throws<DllNotFoundException>(() => EspeakNative.LoadOrThrow("libespeak-ng-does-not-exist.so.9"));

        Assert.Contains("apt-get install libespeak-ng1", error.Message, StringComparison.Ordinal);
        Assert.Contains("libespeak-ng-does-not-exist.so.9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Installed_library_loads()
    {
        var handle = EspeakNative.LoadOrThrow(EspeakNative.LibraryName);

        Assert.NotEqual(0, handle);
    }
}
