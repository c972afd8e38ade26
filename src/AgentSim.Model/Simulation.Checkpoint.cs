using AgentSim.Model.Checkpoints;

namespace AgentSim.Model;

public sealed partial class Simulation
{
    /// <summary>
    /// Members of <see cref="Simulation"/> that a checkpoint leaves out, each rebuilt identically by the constructor from
    /// the config and provinces, or not carried from one quarter to the next. Every other field, including any field a
    /// later version adds, is checkpointed (a test fails if one has a type the serializer cannot write).
    /// </summary>
    public static IReadOnlySet<string> NotCheckpointed { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "_pool",           // worker threads
        "_kernels",        // per-quarter scratch: every buffer is rewritten before it is read in each quarter
        "_plain",          // the plain reference engine (benchmarks and tests only; not checkpointed)
        "Config",          // the input; checked by hash
        "Industry",        // parameters derived from the config
        "ProvinceRows",    // the input data
        "OfficialRecords", // output of the last quarter, cleared at the start of each
        "PhaseSeconds",    // wall-clock diagnostics
    };

    /// <summary>
    /// Writes the full engine state (every checkpointed field of the simulation and its state objects) so that
    /// <see cref="ReadState"/> on a simulation built from the same config and provinces continues bit-identically.
    /// </summary>
    public void WriteState(BinaryWriter writer) =>
        StateSerializer.Write(writer, this, StateSerializer.Mode.Strict, NotCheckpointed);

    /// <summary>Replaces this simulation's state with one written by <see cref="WriteState"/>.</summary>
    public void ReadState(BinaryReader reader) =>
        StateSerializer.Read(reader, this, StateSerializer.Mode.Strict, NotCheckpointed);
}
