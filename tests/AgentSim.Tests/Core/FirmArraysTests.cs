using AgentSim.Model.State;

namespace AgentSim.Tests.Core;

/// <summary>
/// The capacity pipeline is stored by ring position (one row of every slot per position): growing the arrays must
/// move every slot's arrivals to the same (slot, position) in the longer array, and clearing a slot must clear all its
/// positions and nothing else.
/// </summary>
public sealed class FirmArraysTests
{
    private const int Ring = 7;

    private static double Value(int slot, int ring) => 1000 * slot + ring + 0.5;

    [Fact]
    public void Growing_keeps_each_slots_arrivals_at_their_ring_positions()
    {
        var f = new FirmArrays();
        f.EnsureCapacity(10, Ring);
        for (int i = 0; i < 10; i++)
            for (int r = 0; r < Ring; r++) f.Pipeline[f.PipelineIndex(i, r)] = Value(i, r);

        f.EnsureCapacity(11, Ring);   // grows by a quarter, at least to 11
        Assert.True(f.Capacity.Length >= 12);
        Assert.Equal(f.Capacity.Length * Ring, f.Pipeline.Length);
        for (int i = 0; i < f.Capacity.Length; i++)
            for (int r = 0; r < Ring; r++)
                Assert.Equal(i < 10 ? Value(i, r) : 0, f.Pipeline[f.PipelineIndex(i, r)]);
    }

    [Fact]
    public void Clearing_a_slot_clears_its_arrivals_only()
    {
        var f = new FirmArrays();
        f.EnsureCapacity(5, Ring);
        for (int i = 0; i < 5; i++)
            for (int r = 0; r < Ring; r++) f.Pipeline[f.PipelineIndex(i, r)] = Value(i, r);
        f.ClearSlot(2);
        for (int i = 0; i < 5; i++)
            for (int r = 0; r < Ring; r++)
                Assert.Equal(i == 2 ? 0 : Value(i, r), f.Pipeline[f.PipelineIndex(i, r)]);
    }
}
