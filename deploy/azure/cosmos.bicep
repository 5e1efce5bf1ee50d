// The chat log in Cosmos DB for NoSQL, serverless (billed per request unit, nothing while idle).
// ragd expects the database and container to exist (it never creates them), with the partition
// key path it is told (RAGD_COSMOS_PARTITION_KEY_PATH): the defaults here are ragd's defaults.
// Keys are switched off; the app's identity gets the data-plane role instead
// (RAGD_COSMOS_AUTH=entra).
param name string
param location string = resourceGroup().location
@description('Principal (object) id of the managed identity that writes the chat log.')
param principalId string
param databaseName string = 'ragchat_info'
param containerName string = 'ragchat_logs'
param partitionKeyPath string = '/id'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {
  name: take('${toLower(name)}-${uniqueString(resourceGroup().id)}', 44)
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-08-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-08-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          partitionKeyPath
        ]
        kind: 'Hash'
      }
    }
  }
}

// Cosmos DB Built-in Data Contributor: read and write items (a data-plane role, assigned on the
// account itself, not through Azure RBAC).
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-08-15' = {
  parent: account
  name: guid(account.id, principalId, 'data-contributor')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = container.name
output partitionKeyPath string = partitionKeyPath
