// espeak-ng is one process-wide library: a synthesis aborted by one test class (cancellation) can
// leave state that changes the phonemes or samples another class sees at the same moment (seen as
// rare mismatches in the isolation tests on a loaded machine). The classes run one after another;
// the isolation tests still run their own sessions concurrently inside each test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
