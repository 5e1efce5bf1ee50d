// ragd on Azure Container Apps: an environment logging to Log Analytics and a container app with
// ragd and an OpenTelemetry Collector sidecar (deploy/azure/otelcol) that exports ragd's OTLP to
// Application Insights. The environment's managed OpenTelemetry agent is not used: Microsoft
// documents that it only accepts gRPC and injects OTEL_EXPORTER_OTLP_PROTOCOL=grpc, while ragd
// exports OTLP over HTTP and refuses any other protocol at startup; its Application Insights
// destination takes no metrics either. ragd's settings name the protocol and endpoint explicitly,
// which win over injected values, so turning the agent on later cannot stop ragd from starting.
param name string
param location string = resourceGroup().location
param identityId string
param registryLoginServer string
@description('Full image references (registry/repository:tag).')
param image string
param collectorImage string
param workspaceName string
@secure()
param appInsightsConnectionString string
@description('ragd settings shared with appservice.bicep, as name/value pairs (no secrets).')
param settings array
@secure()
param postgresPassword string = ''
@description('At least one: a warm replica answers at once; from zero, the first user waits for a start and ragd\'s warm-up.')
@minValue(1)
param minReplicas int = 1
param maxReplicas int = 10
@description('Concurrent HTTP requests per replica above which another replica is added (an open WebSocket or SSE stream counts as a request).')
param concurrentRequests string = '100'

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource env 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

var ragdEnv = concat(settings, empty(postgresPassword) ? [] : [
  {
    name: 'RAGD_PG_PASSWORD'
    secretRef: 'pg-password'
  }
])

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-app'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: env.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8000
        // auto: HTTP/1.1 with WebSocket upgrades, and HTTP/2 where the client offers it.
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: concat([
        {
          name: 'appinsights-connection-string'
          value: appInsightsConnectionString
        }
      ], empty(postgresPassword) ? [] : [
        {
          name: 'pg-password'
          value: postgresPassword
        }
      ])
    }
    template: {
      // longer than ragd's drain (RAGD_SHUTDOWN_GRACE_MS) plus its chat-log flush
      terminationGracePeriodSeconds: 40
      containers: [
        {
          name: 'ragd'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: ragdEnv
          probes: [
            {
              // the JVM and the HTTP server are up; the liveness and readiness probes wait for it
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: 8000
              }
              periodSeconds: 2
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: 8000
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // 503 during the warm-up and when saturated: the replica gets no new requests then
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: 8000
              }
              periodSeconds: 5
              failureThreshold: 2
            }
          ]
        }
        {
          name: 'otelcol'
          image: collectorImage
          resources: {
            cpu: json('0.25')
            memory: '0.5Gi'
          }
          env: [
            {
              name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
              secretRef: 'appinsights-connection-string'
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: concurrentRequests
              }
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
