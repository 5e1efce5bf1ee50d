// ragd on App Service: a Linux plan and a sidecar-enabled Web App for Containers. The main container
// is ragd; an OpenTelemetry Collector sidecar (deploy/azure/otelcol) receives ragd's OTLP on
// localhost and exports to Application Insights, the documented way to get OTLP data from a custom
// container into Application Insights. Sidecar-enabled apps use linuxFxVersion 'sitecontainers' and
// sites/sitecontainers resources; Microsoft documents that WEBSITES_PORT and the DOCKER_REGISTRY_*
// settings do not apply to them: the main container's targetPort replaces WEBSITES_PORT, and each
// container pulls with the managed identity (authType UserAssigned).
param name string
param location string = resourceGroup().location
@description('Plan SKU: Basic or higher (Free and Shared cap WebSockets per instance far too low; Basic caps them too, Standard and Premium do not).')
param sku string
param identityId string
param identityClientId string
@description('Full image references (registry/repository:tag).')
param image string
param collectorImage string
param appInsightsConnectionString string
@description('ragd settings shared with containerapps.bicep, as name/value pairs (no secrets).')
param settings array
@secure()
param postgresPassword string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: sku
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: '${name}-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'app,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'sitecontainers'
      // WebSocket chat (/ and /v1/chat) is refused without it.
      webSocketsEnabled: true
      // Keeps the JVM loaded and warm; without it an idle app is unloaded and the next user waits
      // for a cold start and ragd's warm-up.
      alwaysOn: true
      // /readyz is 503 during ragd's warm-up and when saturated, so an instance gets traffic only
      // when it can answer; /healthz would route questions to a warming replica.
      healthCheckPath: '/readyz'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identityClientId
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: concat(settings, [
        {
          // read by the collector sidecar (app settings reach every container)
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
      ], empty(postgresPassword) ? [] : [
        {
          name: 'RAGD_PG_PASSWORD'
          value: postgresPassword
        }
      ])
    }
  }
}

resource ragd 'Microsoft.Web/sites/sitecontainers@2024-04-01' = {
  parent: site
  name: 'ragd'
  properties: {
    image: image
    isMain: true
    targetPort: '8000'
    authType: 'UserAssigned'
    userManagedIdentityClientId: identityClientId
  }
}

resource collector 'Microsoft.Web/sites/sitecontainers@2024-04-01' = {
  parent: site
  name: 'otelcol'
  properties: {
    image: collectorImage
    isMain: false
    targetPort: '4318'
    authType: 'UserAssigned'
    userManagedIdentityClientId: identityClientId
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
