using System.Diagnostics;
using AgentSim.Model;
using AgentSim.Output;
using AgentSim.Output.Tables;

namespace AgentSim.Benchmarks;

/// <summary>
/// <c>snapshot --firms N [--repeat R] [--row-group ROWS] [--columns a,b,c]</c>: the two halves of a firm snapshot, timed apart on one
/// thread, R times each on an economy after the burn-in and 24 quarters: the capture (<see cref="FirmsTable.AppendFrom"/>,
/// on the simulation's thread in a run) and the encoding and writing of the captured rows in row groups of at most
/// ROWS (<see cref="ParquetTableWriter.WriteRowGroupAsync"/>, on the background writer's thread in a run, including
/// the fsync that follows a large row group; the file goes to the temporary directory and is completed once at the
/// end, untimed), with every column or only step, firm_id and the listed ones. Prints one JSON line: the fastest and
/// the median of each (the writing's also in CPU time of the whole process, its file-system work included), and the
/// file's bytes per row.
/// </summary>
internal static class Snapshot
{
    public static int Run(string[] args)
    {
        int firms = 1_000_000, repeat = 7, rowGroup = AgentSim.Output.Runs.RunWriter.FirmRowGroupRows;
        string[] columns = [];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--firms": firms = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--row-group": rowGroup = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--columns": columns = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                default:
                    Console.Error.WriteLine("usage: snapshot --firms N [--repeat R] [--row-group ROWS] [--columns a,b,c]");
                    return 2;
            }
        }
        using var simulation = EngineFactory.CreateWarm(firms, threads: 1, FirmEngine.StructOfArrays);
        simulation.Config.Output.FirmsColumns = [.. columns];   // empty: every column
        var table = new FirmsTable(simulation);
        var directory = Directory.CreateTempSubdirectory("agentsim-snapshot-bench").FullName;
        try
        {
            var path = Path.Combine(directory, "firms.parquet");
            var writer = ParquetTableWriter.CreateAsync(path, table.Buffer.Schema).GetAwaiter().GetResult();
            var capture = new List<double>();
            var write = new List<double>();
            var writeCpu = new List<double>();
            using var process = Process.GetCurrentProcess();
            var rows = 0;
            for (var r = 0; r < repeat + 1; r++)
            {
                table.Buffer.Clear();
                table.BeginSnapshot();
                double captured = 0, written = 0, writtenCpu = 0;
                rows = 0;
                for (var slot = 0; slot < simulation.Firms.Count;)
                {
                    var watch = Stopwatch.StartNew();
                    slot = table.AppendFrom(slot, rowGroup);
                    captured += watch.Elapsed.TotalMilliseconds;
                    rows += table.Buffer.RowCount;
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    watch.Restart();
                    writer.WriteRowGroupAsync(table.Buffer).GetAwaiter().GetResult();
                    written += watch.Elapsed.TotalMilliseconds;
                    process.Refresh();
                    writtenCpu += (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                }
                if (r > 0) // the first round grows the buffers and compiles the code
                {
                    capture.Add(captured);
                    write.Add(written);
                    writeCpu.Add(writtenCpu);
                }
            }
            writer.CompleteAsync().GetAwaiter().GetResult();
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var bytesPerRow = new FileInfo(path).Length / (double)(rows * (repeat + 1L));
            capture.Sort();
            write.Sort();
            writeCpu.Sort();
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["firms"] = firms,
                ["rows"] = rows,
                ["capture_ms_min"] = Math.Round(capture[0], 1),
                ["capture_ms_median"] = Math.Round(capture[capture.Count / 2], 1),
                ["write_ms_min"] = Math.Round(write[0], 1),
                ["write_ms_median"] = Math.Round(write[write.Count / 2], 1),
                ["write_cpu_ms_min"] = Math.Round(writeCpu[0], 1),
                ["write_cpu_ms_median"] = Math.Round(writeCpu[writeCpu.Count / 2], 1),
                ["file_bytes_per_row"] = Math.Round(bytesPerRow, 1),
            }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        return 0;
    }
}
