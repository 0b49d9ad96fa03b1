# Keeps only what parsePlanJson and parseDrift read from `terraform show -json <planfile>`. The
# full document holds every attribute value in clear text, sensitive ones included, so it never
# leaves the runner: this reduced form is what the plan and drift jobs upload.
{
  format_version,
  terraform_version,
  errored,
  resource_changes: [
    (.resource_changes // [])[]
    | { address, mode, type, action_reason, change: { actions: .change.actions } }
  ],
  resource_drift: [
    (.resource_drift // [])[]
    | { address, mode, type, previous_address, change: { actions: .change.actions } }
  ],
  output_changes: ((.output_changes // {}) | map_values({ actions }))
}
