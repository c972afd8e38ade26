namespace AgentSim.Cli;

/// <summary>Help texts.</summary>
internal static class Usage
{
    public const string General =
        """
        AgentSim: agent-based simulation of provincial industrial policy.

        Usage:
          agentsim run CONFIG [options]   run a scenario and write its Parquet tables
          agentsim resume DIR             continue an interrupted run from its last checkpoint
          agentsim compare CONFIG...      run scenarios on the same seeds; indicators with 95% intervals
          agentsim sweep CONFIG           run a parameter sweep (the config's sweep: section) on every core;
                                          'sweep plan|run|slurm|collect' run it as a Slurm array job instead
          agentsim sensitivity SPEC       global sensitivity (Sobol or Morris) of indicators to uncertain parameters
          agentsim calibrate SPEC         fit parameters to target moments (simulated method of moments)
          agentsim replicates CONFIG      how many replicates: add batches until every 95% interval is narrow enough
          agentsim ablate CONFIG...       the comparison again with one mechanism off at a time
          agentsim report DIR...          charts and a self-contained report.html for a run, comparison or sweep
          agentsim validate CONFIG        check a config (and its data) without running it
          agentsim explain KEY            a parameter's meaning, unit, default and range
          agentsim scenarios [DIR]        list the shipped scenario configs
          agentsim --help                 show this help ('agentsim COMMAND --help' for a command's options)
          agentsim --version              show the version

        Examples:
          agentsim run configs/baseline.yaml
          agentsim report runs/baseline

        """;

    public const string Run =
        """
        Usage: agentsim run CONFIG [options]

        Runs the scenario in CONFIG (a YAML file) and writes provinces, industries, nation, officials (and firms)
        Parquet tables plus manifest.json into the output directory. See docs/outputs.md for the columns.

        Options:
          --out DIR          output directory (default: runs/<config file name without extension>)
          --seed N           random seed (overrides the config)
          --threads N        worker threads, 0 = all cores (results do not depend on it)
          --firms N          number of firms at the start
          --steps N          quarters to simulate after the burn-in
          --set KEY=VALUE    override any config key, e.g. --set officials.tenure=16 (repeatable)
          --replicates N     run N seeds (derived from the config's seed; replicate 0 is the seed itself); tables go
                             to OUT/replicate=R/, indicators with 95% intervals to OUT/summary.parquet
          --parallel N       with --replicates: runs at once (default: one per core)
          --force            write into a non-empty directory, replacing the previous run's files
          --checkpoint-every K
                             write a checkpoint every K quarters (to OUT/checkpoint/), so an interrupted run can be
                             continued with 'agentsim resume OUT' or '--resume'
          --resume           continue the interrupted run in OUT from its last checkpoint (the config must be the
                             one it was started with); start it if OUT holds no run
          --firm-checks-every K
                             check firm values for NaN and negative stocks every K quarters (default 1; 0 = never);
                             province, industry and national values are checked every quarter
          --report           also write the report (charts and report.html) to OUT/report when the run ends
          --raw              print the indicators with their Parquet names and full-precision values (for scripts)
          --debug            print stack traces of unexpected errors
          -h, --help         show this help

        The summary's indicators are defined in docs/report.md ("first year": quarters 0-3; "end": the mean over
        the last 20 quarters), the same numbers as compare, sweep and report give for the run.

        Examples:
          agentsim run configs/baseline.yaml
          agentsim run configs/pilot.yaml --firms 20000 --steps 40 --out runs/pilot-small --report
          agentsim run configs/baseline.yaml --replicates 10 --set officials.tenure=16
          agentsim run configs/baseline.yaml --firms 1000000 --out runs/big --checkpoint-every 8

        Exit codes: 0 success, 1 unexpected failure, 2 bad input (arguments, config, data, output directory, not
        enough memory, unusable checkpoint), 4 a quarter broke an invariant (the message names it), 130 interrupted.

        """;

    public const string Resume =
        """
        Usage: agentsim resume DIR [options]

        Continues the interrupted run in DIR (started with 'agentsim run ... --checkpoint-every K') from its last
        checkpoint, with the config recorded in DIR/manifest.json. The tables it completes are identical to those of
        an uninterrupted run. To start the run again from the beginning instead, use 'agentsim run CONFIG --out DIR
        --force'. See docs/reliability.md.

        Options:
          --threads N            worker threads, 0 = all cores (results do not depend on it)
          --checkpoint-every K   checkpoint interval from here on (default: the run's)
          --firm-checks-every K  as for 'run'
          --debug                print stack traces of unexpected errors
          -h, --help             show this help

        Examples:
          agentsim resume runs/big
          agentsim run configs/baseline.yaml --firms 1000000 --out runs/big --checkpoint-every 8 --resume

        Exit codes: 0 success (or nothing to resume: the run is complete), 1 unexpected failure, 2 no usable
        checkpoint (none, damaged, another format version or config) or another user error, 4 a quarter broke an
        invariant, 130 interrupted.

        """;

    public const string Validate =
        """
        Usage: agentsim validate CONFIG [--set KEY=VALUE]...

        Loads CONFIG (following 'extends'), applies the overrides, checks every value against the schema and
        the provinces data, and prints a one-line summary. Nothing is run or written.

        Example:
          agentsim validate configs/pilot.yaml --set incentives.switch_step=24

        Exit codes: 0 valid, 2 invalid (the message names the file, line, key and what was expected).

        """;

    public const string Explain =
        """
        Usage: agentsim explain KEY

        Prints a parameter's meaning, unit, type, default and allowed range, from the same schema that
        validates configs. Keys are dotted snake_case; list fields take [] or an element name.

        Examples:
          agentsim explain firm_behaviour.markup_down
          agentsim explain industries.ev.learning_rate

        """;

    public const string Scenarios =
        """
        Usage: agentsim scenarios [DIR]

        Lists the scenario configs in DIR (default: the repository's configs/ folder) with the first line of
        each file's header comment.

        Examples:
          agentsim scenarios
          agentsim scenarios my-configs/

        """;

    public const string Compare =
        """
        Usage: agentsim compare CONFIG... [options]

        Runs every scenario on the same replicate seeds (common random numbers), prints the signature-result
        indicators side by side as mean [95% CI], with paired differences against the first scenario (the
        reference), then checks the criteria of MODEL.md section 6 (S1a..S6b) and the calibration bands (C1..C4)
        that these scenarios speak to: which config plays baseline, household-income, pilot, tariff or trade-in is
        read from the configs, and criteria against the baseline need it as the first config. Writes
        summary.parquet, replicates.parquet and signature.parquet (criterion, value, 95% CI, holds).

        Options:
          --replicates N     replicates per scenario (default 10)
          --out DIR          output directory (default: runs/compare-<scenario names>)
          --tables           also write every run's tables under OUT/scenario=NAME/replicate=R/
          --parallel N       runs at once (default: one per core); results do not depend on it
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every scenario
          --force            replace a previous comparison in OUT
          --report           also write the report to OUT/report (needs --tables)
          --latex            also write the signature table as a LaTeX tabular with intervals (OUT/signature.tex)
          --raw              print indicators with their Parquet names and plain numbers (for scripts)

        Example:
          agentsim compare configs/baseline.yaml configs/household-income.yaml configs/pilot.yaml --replicates 10

        """;

    public const string Report =
        """
        Usage: agentsim report DIR... [--out OUT]

        Reads the Parquet tables of a run, of replicates (DIR/replicate=R/), of a comparison written with --tables
        (DIR/scenario=NAME/replicate=R/), of a sweep (DIR/KEY=VALUE/.../replicate=R/ with DIR/summary.parquet), or of
        several run directories to compare, and writes PNG charts and one self-contained report.html (charts
        embedded, no scripts, opens offline): utilisation and price index by industry, the consumption share of GDP,
        GDP and household income growth by incentive rule, pilot vs non-pilot paths with the difference in
        differences and its 95% interval, the zombie share, the officials' levers, and for a sweep each headline
        indicator against each swept parameter.

        Options:
          --out OUT          output directory (default: DIR/report; for several DIRs, report-A-B beside the first)
          -h, --help         show this help

        Examples:
          agentsim report runs/baseline
          agentsim report runs/baseline runs/pilot --out runs/baseline-vs-pilot
          agentsim report runs/sweep-tenure

        Exit codes: 0 success, 2 bad input (not a run directory, unreadable tables).

        """;

    public const string Ablate =
        """
        Usage: agentsim ablate CONFIG... [options]

        Runs the comparison of CONFIG... (the first is the reference) once with every mechanism on, then once
        with each mechanism switched off (mechanisms.soft_budget, lever_imitation, investment_in_score,
        production_floors), and prints the signature indicators per variant (means over replicates). Writes
        ablation.parquet to the output directory (default runs/ablation).

        Options: --replicates N (default 10), --out DIR, --firms N, --steps N, --set KEY=VALUE, --parallel N, --force

        Example:
          agentsim ablate configs/baseline.yaml configs/household-income.yaml configs/pilot.yaml --replicates 10 --firms 20000

        """;

    public const string Sweep =
        """
        Usage: agentsim sweep CONFIG [options]

        Runs every run of the sweep in CONFIG's 'sweep:' section (keys varied over values, ranges or a Latin
        hypercube, times replicates; see docs/experiments.md), several at once, with a progress bar. Each run's
        tables go to OUT/<param>=<value>/.../replicate=<r>/ (Hive partitions), and OUT/summary.parquet gets one row
        per run: run id, parameters, seed and the headline indicators. Rerunning the same command resumes: complete
        runs are skipped, interrupted ones redone. Ctrl+C stops cleanly.

        Options:
          --out DIR               sweep directory (default: runs/<config file name without extension>)
          --parallel N            runs at once (default: one per core); each run then uses one thread
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every run (part of each run's id)
          --independent-streams   give every run its own seed instead of common random numbers
          -h, --help              show this help

        Cluster (Slurm job arrays; Kubernetes indexed jobs work the same way):
          agentsim sweep plan CONFIG --out DIR        write the run table (DIR/sweep.json, DIR/runs.parquet)
          agentsim sweep slurm DIR [--submit]         write DIR/slurm/sweep.sbatch (and submit it)
          agentsim sweep run DIR --task-index I       run task I's share (default index: SLURM_ARRAY_TASK_ID)
          agentsim sweep collect DIR                  check every run is there once, rebuild summary.parquet,
                                                      print the sbatch line that resubmits missing runs

        Example:
          agentsim sweep configs/sweep-pilot.yaml --out runs/sweep-pilot

        Exit codes: 0 every run complete, 1 some runs failed, 2 bad input, 130 interrupted (rerun to resume).

        """;

    public const string Sensitivity =
        """
        Usage: agentsim sensitivity SPEC [options]
               agentsim sensitivity plan SPEC --out DIR [options]
               agentsim sensitivity collect DIR

        Global sensitivity of indicators to uncertain parameters, from SPEC's 'sensitivity:' section (the rest of
        the file is the scenario): Sobol first- and total-order indices from a Saltelli design, or Morris
        elementary effects (mu*, mu, sigma), each with bootstrap 95% intervals. Outputs are indicators of
        summary.parquet in one arm (a scenario variant), or paired differences between two arms on the same point
        and seed (S1c: household-income minus baseline). The design runs as a sweep: every run has an id,
        rerunning resumes, replicate r of every point shares its seed, and 'sweep slurm' runs it on a cluster.
        Writes DIR/sensitivity.parquet (parameter, key, output, method, index, estimate, ci_low, ci_high) and
        prints a table per output; 'agentsim report DIR' draws the indices as bars with intervals.
        See docs/sensitivity.md.

        Options:
          --out DIR               study directory (default: runs/<spec file name without extension>)
          --parallel N            runs at once (default: one per core)
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every run (part of each run's id)
          --independent-streams   give every run its own seed instead of common random numbers
          -h, --help              show this help

        Cluster:
          agentsim sensitivity plan SPEC --out DIR   write the design's run table (a sweep plan) and sensitivity.json
          agentsim sweep slurm DIR --submit          run it as a Slurm array ('sweep collect DIR' lists what is missing)
          agentsim sensitivity collect DIR           compute the indices once every run is complete

        Example (agentsim = dotnet run --project src/AgentSim.Cli -c Release --):
          agentsim sensitivity configs/sensitivity-v2.yaml --firms 10000 --out runs/sens-v2

        Exit codes: 0 indices written, 1 some runs failed, 2 bad input, 3 runs missing (collect), 130 interrupted.

        """;

    public const string Calibrate =
        """
        Usage: agentsim calibrate SPEC [options]

        Simulated method of moments: fits the free parameters of SPEC's 'calibration:' section (numeric config
        keys with bounds) to target moments (indicators with a target and its uncertainty, e.g. the calibration
        bands of docs/calibration.md), minimising sum(((mean moment - target) / sd)^2) with MathNet's Nelder-Mead
        simplex. Each evaluation runs the scenario 'replicates' times on the same seeds (common random numbers),
        in parallel. Writes every evaluation to OUT/calibration.parquet (and OUT/evaluations.jsonl as it goes),
        the best parameters as OUT/calibrated.yaml (a config that extends SPEC), and the fitted-vs-target table
        with 95% intervals and each parameter's identification (standard error from the moments' Jacobian;
        'weakly identified' above a quarter of its range) to the screen and OUT/fit.md. Rerunning the same
        command resumes: the optimiser replays its path and takes logged evaluations instead of running them.
        See docs/sensitivity.md.

        Options:
          --out DIR               output directory (default: runs/<spec file name without extension>)
          --parallel N            replicates run at once (default: one per core)
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every run
          -h, --help              show this help

        Example (agentsim = dotnet run --project src/AgentSim.Cli -c Release --):
          agentsim calibrate configs/calibrate-baseline.yaml --firms 5000 --out runs/calibrate-baseline

        Exit codes: 0 done (converged or the budget spent: the message says which), 2 bad input, 130 interrupted.

        """;

    public const string Replicates =
        """
        Usage: agentsim replicates CONFIG [options]
               agentsim replicates plan CONFIG --out DIR [options]
               agentsim replicates collect DIR [--precision F] [--indicators A,B]

        How many replicates a comparison needs: runs CONFIG's scenario in batches of replicates (common random
        numbers: the same seeds as 'run --replicates' and 'compare') until every indicator's 95% interval
        half-width is at most --precision times its mean, or --max replicates. Prints the relative half-width
        against N and each indicator's coefficient of variation, and writes DIR/replicates.parquet (replicates,
        indicator, mean, sd, half_width, relative_half_width, cv for every N) and DIR/replicates.png. The
        replicates are a sweep's runs: rerunning resumes, and 'replicates plan' + 'sweep slurm DIR --submit' runs
        all --max of them on a cluster ('replicates collect DIR' then draws the curve).

        Options:
          --precision F           target half-width as a fraction of the mean (default 0.05)
          --indicators A,B,...    indicators to watch (default: the signature results the scenario has)
          --batch N               replicates added per round (default 10)
          --max N                 cap on replicates (default 200)
          --out DIR               output directory (default: runs/<config name>-replicates)
          --parallel N            runs at once (default: one per core)
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every run
          -h, --help              show this help

        Example (agentsim = dotnet run --project src/AgentSim.Cli -c Release --):
          agentsim replicates configs/pilot.yaml --firms 10000 --precision 0.1 --out runs/pilot-replicates

        Exit codes: 0 done (precise, or the cap reached: the message says which), 1 runs failed, 2 bad input,
        3 fewer than 2 replicates complete (collect), 130 interrupted.

        """;

    public const string SweepPlan =
        """
        Usage: agentsim sweep plan CONFIG --out DIR [options]

        Expands CONFIG's sweep: section into the run table and writes it to DIR/sweep.json (read by 'sweep run')
        and DIR/runs.parquet (run id, index, parameter values, replicate, seed, partition). Every value and every
        point's config is checked first. Planning again into the same DIR with the same config changes nothing.

        Options:
          --out DIR               sweep directory (default: runs/<config file name without extension>)
          --firms N, --steps N, --seed N, --set KEY=VALUE   applied to every run
          --independent-streams   give every run its own seed instead of common random numbers

        """;

    public const string SweepRun =
        """
        Usage: agentsim sweep run DIR [--task-index I] [--tasks N] [--parallel N] [--all]

        Runs the share of array task I: the runs whose run_index % N == I, skipping those already complete. Each
        run is written to DIR/.tmp/ and renamed to its partition when complete, so a task that runs twice (Slurm
        requeues after a node failure) cannot duplicate or corrupt a result.

        Options:
          --task-index I   this task (default: SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX)
          --tasks N        tasks in the array (default: as in DIR/slurm/job.json, else one run per task)
          --parallel N     runs at once (default: SLURM_CPUS_PER_TASK, else one per core)
          --all            run every run of the plan here instead of one task's share

        """;

    public const string SweepSlurm =
        """
        Usage: agentsim sweep slurm DIR [--tasks N] [--cpus-per-task C] [--mem M] [--time T] [--partition P] [--submit]

        Writes DIR/slurm/sweep.sbatch: an array job of N tasks (--array=0-(N-1), --requeue, logs in DIR/logs/)
        whose task I runs 'agentsim sweep run DIR --task-index I --tasks N' with the dotnet and agentsim.dll that
        wrote it. With --submit, submits it with sbatch.

        Options:
          --tasks N          array tasks (default: one per run, at most 1000)
          --cpus-per-task C  CPUs per task; a task runs C runs at once (default 1)
          --mem M            memory per task, e.g. 4G (default 2G)
          --time T           time limit per task, e.g. 2:00:00 (default 01:00:00)
          --partition P      Slurm partition (default: the cluster's default)
          --submit           submit the script with sbatch

        """;

    public const string SweepCollect =
        """
        Usage: agentsim sweep collect DIR

        Checks that every planned run id is present exactly once and complete, rebuilds DIR/summary.parquet from
        the complete runs, removes temporary directories of ended processes on this host, lists missing runs and
        prints the 'sbatch --array=...' line that resubmits the tasks owning them.

        Exit codes: 0 complete, 3 runs missing (resubmit), 1 a run id present twice or a run out of place,
        2 bad input.

        """;
}
