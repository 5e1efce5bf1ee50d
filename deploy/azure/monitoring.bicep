// Log Analytics (container logs: ragd writes JSON lines to stdout) and a workspace-based Application
// Insights that the OpenTelemetry Collector sidecar exports ragd's traces and metrics to. ragd has
// no Application Insights SDK: it speaks OTLP, and the collector translates.
param name string
param location string = resourceGroup().location

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

output workspaceName string = workspace.name
// Microsoft documents the connection string's instrumentation key as an identifier, not a secret;
// the apps still keep it out of plain view (a Container Apps secret, an App Service setting).
output connectionString string = insights.properties.ConnectionString
