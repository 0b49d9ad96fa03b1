# Keeps only what parsePlanJson reads from `terraform show -json <planfile>`. The full document
# holds every attribute value in clear text, sensitive ones included, so it never leaves the
# runner: this reduced form is what the plan jobs upload.
{
  format_version,
  terraform_version,
  errored,
  resource_changes: [
    (.resource_changes // [])[]
    | { address, mode, type, action_reason, change: { actions: .change.actions } }
  ],
  output_changes: ((.output_changes // {}) | map_values({ actions }))
}
