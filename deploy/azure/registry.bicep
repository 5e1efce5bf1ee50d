// The container registry for ragd's image and the collector's. Deployable on its own (the README
// does that first, so the images exist before main.bicep points the apps at them); main.bicep
// deploys it again with the same name, which changes nothing. No admin user: pulls use the managed
// identity's AcrPull role, pushes use the deployer's Entra login.
param name string
param location string = resourceGroup().location

// Registry names are alphanumeric and global; the resource group's hash makes them unique and
// repeatable (the same group gives the same name).
var registryName = take('${toLower(replace(name, '-', ''))}${uniqueString(resourceGroup().id)}', 50)

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
