// One user-assigned managed identity for the app: it pulls images (AcrPull on the registry), calls
// Azure OpenAI (Cognitive Services OpenAI User) and, in cosmos.bicep, writes the chat log. ragd finds
// it through DefaultAzureCredential, which needs AZURE_CLIENT_ID for a user-assigned identity.
param name string
param location string = resourceGroup().location
param registryName string
@description('Azure OpenAI account in this resource group to grant access to; empty: grant it yourself (see the README).')
param openAiResourceName string = ''

var acrPullRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
var openAiUserRole = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, identity.id, acrPullRole)
  properties: {
    roleDefinitionId: acrPullRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource openAi 'Microsoft.CognitiveServices/accounts@2023-05-01' existing = if (!empty(openAiResourceName)) {
  name: openAiResourceName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(openAiResourceName)) {
  scope: openAi
  name: guid(openAi.id, identity.id, openAiUserRole)
  properties: {
    roleDefinitionId: openAiUserRole
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
