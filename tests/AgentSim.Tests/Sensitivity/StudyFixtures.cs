using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Sensitivity;

/// <summary>Tiny study configs: 300 firms, 2 burn-in + 8 quarters (a run takes a few hundredths of a second).</summary>
internal static class StudyFixtures
{
    /// <summary>A standalone scenario (absolute provinces path) followed by <paramref name="section"/> as written.</summary>
    public static string Yaml(string section) => $"""
        name: tiny-study
        firms: 300
        steps: 8
        burn_in: 2
        seed: 5
        provinces:
          data_file: {RunFixtures.ProvincesFile}
        output:
          firms_every: 0

        """ + section;

    /// <summary>Sobol over two parameters, two arms, a paired output and a plain one.</summary>
    public static string Sobol(int samples = 2, int replicates = 1) => Yaml($"""
        sensitivity:
          method: sobol
          samples: {samples}
          replicates: {replicates}
          bootstrap: 50
          arms:
            - name: base
            - name: hi
              set: [incentives.default_rule=household_income]
          parameters:
            - key: households.base_propensity
              min: 0.55
              max: 0.72
            - key: officials.imitation_rate
              min: 0.1
              max: 0.5
              distribution: triangular
              mode: 0.3
          outputs:
            - indicator: consumption_share_end
              arm: hi
              minus: base
            - indicator: utilisation_start
        """);

    public static string Write(string directory, string yaml, string name = "study.yaml")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }
}
