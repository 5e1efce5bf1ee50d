// ragd on Azure, in one resource group: registry, managed identity, monitoring, the chat log
// (Cosmos DB or PostgreSQL) and the app on App Service or Container Apps. See README.md for the
// order of the first deployment (the registry and images come first) and for every command.
targetScope = 'resourceGroup'

@description('Prefix for resource names: lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(16)
param name string
param location string = resourceGroup().location
@allowed([
  'appservice'
  'containerapps'
])
param hosting string = 'appservice'
@allowed([
  'cosmos'
  'postgres'
])
param chatLog string = 'cosmos'
@description('ragd\'s repository in the registry this template creates.')
param image string = 'ragd'
@description('The tag to run, e.g. the commit SHA the workflow built.')
param imageTag string
@description('The OpenTelemetry Collector image (repository:tag) in the same registry, built from deploy/azure/otelcol.')
param collectorImage string = 'ragd-otelcol:1'
@description('Azure OpenAI endpoint, e.g. https://my-resource.openai.azure.com')
param openAiEndpoint string
@description('The chat model\'s deployment name.')
param openAiDeployment string
param openAiApiVersion string = '2024-10-21'
@description('Azure OpenAI account in this resource group, for the role assignment; empty: assign Cognitive Services OpenAI User yourself.')
param openAiResourceName string = ''
@description('App Service plan SKU. Basic or higher: Free and Shared have no Always On and cap WebSockets per instance.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param appServiceSku string = 'B1'
@description('PostgreSQL administrator password, only for chatLog=postgres.')
@secure()
param postgresAdminPassword string = ''

module registry 'registry.bicep' = {
  name: 'registry'
  params: {
    name: name
    location: location
  }
}

module identity 'identity.bicep' = {
  name: 'identity'
  params: {
    name: name
    location: location
    registryName: registry.outputs.name
    openAiResourceName: openAiResourceName
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: name
    location: location
  }
}

module cosmos 'cosmos.bicep' = if (chatLog == 'cosmos') {
  name: 'cosmos'
  params: {
    name: name
    location: location
    principalId: identity.outputs.principalId
  }
}

module postgres 'postgres.bicep' = if (chatLog == 'postgres') {
  name: 'postgres'
  params: {
    name: name
    location: location
    adminPassword: postgresAdminPassword
  }
}

var chatLogSettings = chatLog == 'cosmos' ? [
  {
    name: 'COSMOSDB_URI'
    value: cosmos!.outputs.endpoint
  }
  {
    name: 'RAGD_COSMOS_AUTH'
    value: 'entra'
  }
  {
    name: 'RAGD_COSMOS_DATABASE'
    value: cosmos!.outputs.databaseName
  }
  {
    name: 'RAGD_COSMOS_CONTAINER'
    value: cosmos!.outputs.containerName
  }
  {
    name: 'RAGD_COSMOS_PARTITION_KEY_PATH'
    value: cosmos!.outputs.partitionKeyPath
  }
] : [
  {
    name: 'RAGD_PG_URL'
    value: postgres!.outputs.jdbcUrl
  }
  {
    name: 'RAGD_PG_USER'
    value: postgres!.outputs.user
  }
]

// ragd's settings (.env.example lists them all); secrets are added by the hosting modules from
// secure parameters, never here.
var settings = concat([
  {
    name: 'RAGD_LLM'
    value: 'azure-openai'
  }
  {
    name: 'AZURE_OPENAI_ENDPOINT'
    value: openAiEndpoint
  }
  {
    name: 'AZURE_OPENAI_DEPLOYMENT'
    value: openAiDeployment
  }
  {
    name: 'AZURE_OPENAI_API_VERSION'
    value: openAiApiVersion
  }
  {
    name: 'AZURE_OPENAI_AUTH'
    value: 'entra'
  }
  {
    // DefaultAzureCredential picks the user-assigned identity by its client id
    name: 'AZURE_CLIENT_ID'
    value: identity.outputs.clientId
  }
  {
    name: 'RAGD_CHATLOG'
    value: chatLog
  }
  {
    // every connection reaches ragd from the platform's front end, not from the client's address
    name: 'RAGD_MAX_CONNECTIONS_PER_IP'
    value: '4096'
  }
  {
    name: 'RAGD_LOG_FORMAT'
    value: 'json'
  }
  {
    // the collector sidecar, on the same host
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT'
    value: 'http://localhost:4318'
  }
  {
    // the only protocol ragd accepts; set so that an injected grpc cannot override it
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL'
    value: 'http/protobuf'
  }
  {
    name: 'OTEL_SERVICE_NAME'
    value: 'ragd'
  }
], chatLogSettings)

var imageRef = '${registry.outputs.loginServer}/${image}:${imageTag}'
var collectorRef = '${registry.outputs.loginServer}/${collectorImage}'

module web 'appservice.bicep' = if (hosting == 'appservice') {
  name: 'appservice'
  params: {
    name: name
    location: location
    sku: appServiceSku
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: imageRef
    collectorImage: collectorRef
    appInsightsConnectionString: monitoring.outputs.connectionString
    settings: settings
    postgresPassword: chatLog == 'postgres' ? postgresAdminPassword : ''
  }
}

module aca 'containerapps.bicep' = if (hosting == 'containerapps') {
  name: 'containerapps'
  params: {
    name: name
    location: location
    identityId: identity.outputs.id
    registryLoginServer: registry.outputs.loginServer
    image: imageRef
    collectorImage: collectorRef
    workspaceName: monitoring.outputs.workspaceName
    appInsightsConnectionString: monitoring.outputs.connectionString
    settings: settings
    postgresPassword: chatLog == 'postgres' ? postgresAdminPassword : ''
  }
}

output registryName string = registry.outputs.name
output registryLoginServer string = registry.outputs.loginServer
output webAppName string = hosting == 'appservice' ? web!.outputs.name : ''
output containerAppName string = hosting == 'containerapps' ? aca!.outputs.name : ''
output identityClientId string = identity.outputs.clientId
output appUrl string = hosting == 'appservice' ? web!.outputs.url : aca!.outputs.url
