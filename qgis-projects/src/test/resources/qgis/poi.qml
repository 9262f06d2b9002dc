<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis styleCategories="Fields|Forms|Relations" version="3.34.12-Prizren">
  <referencedLayers>
    <relation dataSource="dbname='gis' host=central.example port=5432 user='editor' key='code' checkPrimaryKeyUnicity='1' table=&quot;survey&quot;.&quot;kind&quot;" id="poi_kind_fkey" layerId="kind_0d1f2e3a" layerName="Kinds" name="Kind of a point" providerKey="postgres" referencedLayer="kind_0d1f2e3a" referencingLayer="poi_5b8c0e2a" strength="Association">
      <fieldRef referencedField="code" referencingField="kind"/>
    </relation>
  </referencedLayers>
  <fieldConfiguration>
    <field configurationFlags="NoFlag" name="status">
      <editWidget type="ValueRelation">
        <config>
          <Option type="Map">
            <Option name="Key" type="QString" value="code"/>
            <Option name="LayerSource" type="QString" value="dbname='gis' host=central.example port=5432 user='editor' key='code' checkPrimaryKeyUnicity='1' table=&quot;survey&quot;.&quot;status&quot;"/>
            <Option name="Value" type="QString" value="label"/>
          </Option>
        </config>
      </editWidget>
    </field>
  </fieldConfiguration>
</qgis>
