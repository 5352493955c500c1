helm repo add --force-update port-labs https://port-labs.github.io/helm-charts
helm upgrade --install my-ocean-tenable-integration port-labs/port-ocean \
  --set port.clientId="YOUR_PORT_CLIENT_ID" \
  --set port.clientSecret="YOUR_PORT_CLIENT_SECRET" \
  --set port.baseUrl="https://api.getport.io" \
  --set initializePortResources=false \
  --set scheduledResyncInterval=120 \
  --set integration.identifier="tenable-integration" \
  --set integration.type="custom" \
  --set integration.eventListener.type="POLLING" \
  --set integration.config.baseUrl="https://cloud.tenable.com" \
  --set integration.config.authType="basic" \
  --set integration.config.username="YOUR_TENABLE_ACCESS_KEY" \
  --set integration.config.password="YOUR_TENABLE_SECRET_KEY"
