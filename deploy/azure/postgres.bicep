// The chat log in Azure Database for PostgreSQL flexible server, on the smallest Burstable size.
// ragd creates and migrates its table itself (Flyway), so only the database is made here. Reached
// over the public endpoint with TLS required (sslmode=require in the JDBC URL); the firewall rule
// named below, from 0.0.0.0 to 0.0.0.0, is Azure's convention for "allow Azure services", which lets
// App Service and Container Apps in (and any other Azure tenant's resources: use private networking
// for anything sensitive).
param name string
param location string = resourceGroup().location
param adminLogin string = 'ragd'
@secure()
param adminPassword string
param databaseName string = 'ragd'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: take('${toLower(name)}-pg-${uniqueString(resourceGroup().id)}', 63)
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: adminLogin
    administratorLoginPassword: adminPassword
    storage: {
      storageSizeGB: 32
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

output jdbcUrl string = 'jdbc:postgresql://${server.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=require'
output user string = adminLogin
